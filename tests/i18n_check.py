"""Find user-facing English that is not marked for translation.

Used by ``tests/test_translations.py``; run it by hand on the files you are working on:

    .venv/bin/python tests/i18n_check.py templates/auth forum/web/auth

Templates: text between tags, the attributes people read (``placeholder``, ``title``, ``alt``,
``aria-label``, a button's ``value``, a meta ``content``) and string literals inside ``{{ }}`` or
``{% %}`` that read like words, unless they are the argument of ``_()``/``gettext()``/
``ngettext()``. Python: a string literal (or f-string) given to ``flash()``, to a form field or
validator, to ``SelectChoice``, or to an exception raised in ``forum/services`` or ``forum/web``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = re.compile(r"[^\W\d_]{2,}")
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
STRING_LITERAL = re.compile(r"""(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.S)
GETTEXT_CALL = re.compile(r"\b(?:_|gettext|ngettext|pgettext)\(\s*$")
#: Literals in template code that are names, not words: endpoints, keys, CSS classes, styles.
CODE_LIKE = re.compile(r"^[a-z0-9_.\-/:#%?=&]*$|^[A-Z][A-Z_]+$|^[A-Z][a-z]+(?:[A-Z][a-z]+)+$")
READ_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label", "aria-description"}
#: Template literals that look like words but are not shown as such (HTML attribute values,
#: autocomplete tokens), spelled out so that a real omission still fails.
TEMPLATE_CODE_WORDS: set[str] = set()

PYTHON_FIELD = re.compile(r"Field$")
PYTHON_VALIDATORS = {
    "InputRequired",
    "DataRequired",
    "Length",
    "EqualTo",
    "Email",
    "Regexp",
    "NumberRange",
    "Optional",
    "AnyOf",
    "NoneOf",
    "URL",
    "ValidationError",
    "StopValidation",
}
PYTHON_EXCEPTION = re.compile(r"(Error|Refused|Denied|Exception)$")
PYTHON_SKIP = ("forum/cli.py", "forum/demo/", "forum/benchseed.py", "forum/backup.py")


def _readable(text: str) -> bool:
    return bool(WORDS.search(text))


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            read = name in READ_ATTRIBUTES
            # An <input> button shows its value; a <button>'s value is only sent.
            read |= (
                name == "value"
                and tag == "input"
                and values.get("type") in {"submit", "button", "reset"}
            )
            read |= name == "content" and tag == "meta" and values.get("name") == "description"
            if read and _readable(value.replace("\x00", " ")):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self._skip_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip_depth:
            self._skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        text = " ".join(data.replace("\x00", " ").split())
        if _readable(text):
            self.found.append((self.getpos()[0], text))


def _literals_in_code(code: str) -> Iterator[str]:
    for match in STRING_LITERAL.finditer(code):
        text = match.group("text")
        if not _readable(text) or CODE_LIKE.match(text) or text in TEMPLATE_CODE_WORDS:
            continue
        before = code[: match.start()]
        if GETTEXT_CALL.search(before):
            continue
        if re.search(r"\bngettext\(\s*(?:\"[^\"]*\"|'[^']*')\s*,\s*$", before):
            continue
        yield text


def unmarked_in_template(path: Path) -> list[tuple[int, str]]:
    source = JINJA_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), path.read_text())
    found: list[tuple[int, str]] = []
    for match in JINJA_CODE.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        found.extend(
            (line, f"literal in code: {text!r}") for text in _literals_in_code(match.group())
        )
    # Jinja code becomes a NUL of the same line count, so what is left is what a reader sees.
    blanked = JINJA_CODE.sub(lambda m: "\x00" + "\n" * m.group().count("\n"), source)
    finder = _TextFinder()
    finder.feed(blanked)
    finder.close()
    return sorted(found + finder.found)


def _is_text(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _readable(node.value) and not CODE_LIKE.match(node.value)
    return isinstance(node, ast.JoinedStr)


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _relative(path: Path) -> str:
    resolved = path.resolve()
    return resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else str(path)


def unmarked_in_python(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    relative = _relative(path)
    raising = relative.startswith(("forum/services/", "forum/web/"))
    found: list[tuple[int, str]] = []
    raised_calls = {
        id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        texts: list[ast.AST] = []
        if name == "flash" and node.args:
            texts.append(node.args[0])
        elif PYTHON_FIELD.search(name) or name in PYTHON_VALIDATORS:
            texts.extend(node.args[:1] if PYTHON_FIELD.search(name) else node.args)
            texts.extend(
                k.value for k in node.keywords if k.arg in {"label", "description", "message"}
            )
            if PYTHON_FIELD.search(name):
                texts.extend(k.value for k in node.keywords if k.arg == "render_kw")  # placeholders
        elif name == "SelectChoice" and len(node.args) > 1:
            texts.append(node.args[1])
        elif raising and id(node) in raised_calls and PYTHON_EXCEPTION.search(name) and node.args:
            texts.append(node.args[0])
        for text in texts:
            if isinstance(text, ast.Dict):
                text_values = [
                    v
                    for k, v in zip(text.keys, text.values, strict=True)
                    if isinstance(k, ast.Constant) and k.value in READ_ATTRIBUTES | {"placeholder"}
                ]
            else:
                text_values = [text]
            for value in text_values:
                if _is_text(value):
                    found.append((value.lineno, ast.unparse(value)[:90]))
    return sorted(found)


def unmarked(paths: list[Path]) -> dict[str, list[tuple[int, str]]]:
    report: dict[str, list[tuple[int, str]]] = {}
    for base in paths:
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            relative = _relative(path)
            if path.suffix == ".html":
                found = unmarked_in_template(path)
            elif path.suffix == ".py" and not relative.startswith(PYTHON_SKIP):
                found = unmarked_in_python(path)
            else:
                continue
            if found:
                report[relative] = found
    return report


if __name__ == "__main__":
    targets = [Path(arg) for arg in sys.argv[1:]] or [ROOT / "templates", ROOT / "forum"]
    result = unmarked(targets)
    for file, items in result.items():
        for line, text in items:
            print(f"{file}:{line}: {text}")
    print(f"{sum(map(len, result.values()))} unmarked strings in {len(result)} files")
    sys.exit(1 if result else 0)
