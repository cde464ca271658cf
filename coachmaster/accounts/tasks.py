from celery import shared_task

from .models import User
from .services import send_invitation


@shared_task(
    name="accounts.send_invitation_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation_email(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    send_invitation(user=user)
