from django import template

from competencies.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """``{{ activity.reflection|markdown }}``: user Markdown rendered safely."""
    return render_markdown(text)
