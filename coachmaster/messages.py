"""Messages shown on the next page: the one helper every app's views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def error_messages(request: HttpRequest, error: ValidationError) -> None:
    """Each message of a service's ``ValidationError`` as an error on the next page."""
    for message in error.messages:
        messages.error(request, message)
