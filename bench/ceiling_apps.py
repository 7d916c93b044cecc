"""The framework ceilings bench/run measures next to Kindred, served by the same gunicorn.

gunicorn 'ceiling_apps:hello'     plain "Hello, World!" (text/plain): Flask's own cost
gunicorn 'ceiling_apps:template'  a Jinja page of 20 items with autoescaping and url_for,
                                  compiled once and cached (as in the FlaskBB peer figures)
"""

from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

hello = Flask("hello")


@hello.get("/")
def hello_index() -> str:
    return "Hello, World!"


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
<ul class="topics">
{% for item in items %}
  <li class="topic {{ loop.cycle('odd', 'even') }}">
    <a href="{{ url_for('item', item_id=item.id) }}">{{ item.title }}</a>
    by <span class="author">{{ item.author }}</span>
    &middot; {{ item.replies }} replies &middot; {{ item.views }} views
    {% if item.tags %}<small>{{ item.tags | join(', ') }}</small>{% endif %}
  </li>
{% endfor %}
</ul>
</body></html>
"""

template = Flask("template")
template.jinja_loader = DictLoader({"page.html": PAGE})
ITEMS = [
    {
        "id": i,
        "title": f"Topic <{i}> & a title that needs escaping",
        "author": f"user{i:03d}",
        "replies": i * 3,
        "views": i * 17,
        "tags": ["bench", f"t{i % 5}"],
    }
    for i in range(1, 21)
]


@template.get("/")
def template_index() -> str:
    return render_template("page.html", title="Twenty items", items=ITEMS)


@template.get("/item/<int:item_id>")
def item(item_id: int) -> str:
    return str(item_id)
