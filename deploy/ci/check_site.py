"""What a visitor of a freshly installed Kindred sees, through nginx (deploy/ci-check.sh).

Standard library only. ``before`` runs the checks on the live site and keeps a member's session
in STATE; ``after`` (once the documented backup has been restored into a fresh instance) checks
that the session still works (same secret key) and the data came back. Each check prints
"ok" or "FAIL" with what it checks and why it failed; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import email
import email.header
import email.policy
import http.cookiejar
import json
import os
import re
import ssl
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from html.parser import HTMLParser
from pathlib import Path

PASSWORD = "Kindred-deploy-check-7Qx!"  # noqa: S105 - a throw-away site's test accounts
NEW_PASSWORD = "Kindred-deploy-reset-9Wz!"  # noqa: S105

failures: list[str] = []


def report(ok: bool, what: str, why: str = "") -> bool:
    if ok:
        print(f"  ok    {what}")
    else:
        print(f"  FAIL  {what}: {why}")
        failures.append(what)
    return ok


class Skip(Exception):
    """A check that cannot run because an earlier one failed."""


# --- HTTP ---------------------------------------------------------------------------------------


class Response:
    def __init__(self, status: int, url: str, headers, body: bytes) -> None:  # noqa: ANN001
        self.status, self.url, self.headers, self.body = status, url, headers, body
        self.text = body.decode("utf-8", "replace")


class Client:
    """A browser: its own cookies, following redirects, trusting the site's certificate."""

    def __init__(self, base: str, cafile: str, jar_file: Path | None = None) -> None:
        self.base = base
        self.jar = http.cookiejar.LWPCookieJar(str(jar_file) if jar_file else None)
        if jar_file and jar_file.exists():
            self.jar.load(ignore_discard=True, ignore_expires=True)
        context = ssl.create_default_context(cafile=cafile)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.jar),
        )

    def save(self) -> None:
        self.jar.save(ignore_discard=True, ignore_expires=True)

    def request(
        self,
        path: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        method: str | None = None,
    ) -> Response:
        url = path if path.startswith("http") else self.base + path
        headers = dict(headers or {})
        if data is not None:
            # As a browser sends it on this site (Referrer-Policy: same-origin); Flask-WTF
            # refuses a form sent over HTTPS without a Referer of the same origin.
            headers.setdefault("Referer", url)
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Response(answer.status, answer.geturl(), answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.geturl(), error.headers, error.read())

    def get(self, path: str, **headers: str) -> Response:
        return self.request(path, headers=headers)

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> Response:
        body = urllib.parse.urlencode(fields).encode()
        content_type = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request(path, body, content_type)

    def post_multipart(
        self, path: str, fields: list[tuple[str, str]], files: dict[str, tuple[str, bytes]]
    ) -> Response:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
            )
        for name, (filename, content) in files.items():
            parts.append(
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'
                ).encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        content_type = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(path, body, content_type)


class Forms(HTMLParser):
    """Every form of a page: action, and the fields a browser would send (submit buttons apart)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append((a["name"], ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            fields.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag):  # noqa: ANN001, ANN201
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):  # noqa: ANN001, ANN201
        if self._textarea and self.forms:
            fields = self.forms[-1]["fields"]
            name, value = fields[-1]
            fields[-1] = (name, value + data)

    def form(self, action_part: str) -> dict:
        for form in self.forms:
            if action_part in form["action"]:
                return form
        raise Skip(f"no form posting to …{action_part} on the page")


def filled(form: dict, **values: str) -> list[tuple[str, str]]:
    """The form's fields with some values replaced (or added)."""
    fields = [(name, value) for name, value in form["fields"] if name not in values]
    return fields + list(values.items())


def path_of(url: str) -> str:
    """The path and query of a link (links in e-mail name the site without our test port)."""
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- Mail (deploy/ci/smtp_sink.py writes each message to a folder) ------------------------------


def wait_for_mail(folder: Path, to: str, word: str, seen: set[Path], seconds: float = 20) -> bytes:
    """The raw bytes of the first new message to ``to`` whose body holds ``word``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.eml")):
            if path in seen:
                continue
            raw = path.read_bytes()
            message = email.message_from_bytes(raw, policy=email.policy.default)
            body = message.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            if to in str(message["To"]) and word in text:
                seen.add(path)
                return raw
        time.sleep(0.3)
    raise Skip(f"no e-mail to {to} containing {word!r} arrived within {seconds:.0f} s")


def link_in(raw: bytes, pattern: str) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    found = re.search(r"https?://\S*" + pattern + r"\S*", text)
    if not found:
        raise Skip(f"no link matching {pattern!r} in the mail")
    return found.group(0)


def raw_header(raw: bytes, name: str) -> str | None:
    """A header exactly as it came over the wire, unfolded (RFC 5322: CRLF + space)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("ascii", "replace")
    unfolded = re.sub(r"\r?\n[ \t]", " ", head)
    for line in unfolded.splitlines():
        key, _, value = line.partition(":")
        if key.lower() == name.lower():
            return value.strip()
    return None


# --- A picture, made with the standard library ----------------------------------------------


def png(size: int = 32) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = (b"\x00" + b"\x50\x90\xc0" * size) * size  # each row: filter 0, then RGB pixels
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# --- The checks --------------------------------------------------------------------------------


def run(name: str, check, *args):  # noqa: ANN001, ANN201
    """Run one check; a Skip or an unexpected error is a failure with its reason."""
    try:
        return check(*args)
    except Skip as reason:
        report(False, name, str(reason))
    except Exception as error:  # noqa: BLE001 - report and go on with the other checks
        report(False, name, f"{type(error).__name__}: {error}")
    return None


class Site:
    def __init__(self, options: argparse.Namespace) -> None:
        self.o = options
        self.base = f"https://{options.host}:{options.https_port}"
        self.mail = Path(options.mail)
        self.seen: set[Path] = set()
        self.state_file = Path(options.state)

    def client(self, jar: Path | None = None) -> Client:
        return Client(self.base, self.o.cafile, jar)

    # Health, redirect, language -----------------------------------------------------------------
    def health(self) -> None:
        answer = self.client().get("/healthz")
        body = json.loads(answer.body or b"{}") if answer.status == 200 else {}
        report(
            answer.status == 200 and body.get("database") == "ok",
            "/healthz through nginx (HTTPS, self-signed certificate) answers database ok",
            f"status {answer.status}, {answer.text[:200]!r}",
        )
        server = answer.headers.get("Server", "")
        report("nginx" in server, "the answer came through nginx", f"Server: {server!r}")

    def plain_http(self) -> None:
        request = urllib.request.Request(f"http://{self.o.host}:{self.o.http_port}/login")  # noqa: S310

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
                return None

        try:
            urllib.request.build_opener(NoRedirect).open(request, timeout=10)
            status, location = 200, ""
        except urllib.error.HTTPError as error:
            status, location = error.code, error.headers.get("Location", "")
        report(
            status == 301 and location.startswith("https://"),
            "plain HTTP is sent to HTTPS",
            f"status {status}, Location {location!r}",
        )

    def german(self) -> None:
        answer = self.client().get("/login", **{"Accept-Language": "de-DE,de;q=0.9"})
        german = 'lang="de"' in answer.text and "Anmelden" in answer.text
        report(
            answer.status == 200 and german,
            "a browser asking for German gets the German page (compiled catalogues)",
            f"status {answer.status}, German words: {german}",
        )

    # Accounts -----------------------------------------------------------------------------------
    def sign_up(self, username: str, address: str) -> Client:
        browser = self.client()
        page = browser.get("/register")
        form = Forms(page.text).form("/register")
        answer = browser.post_form(
            "/register",
            filled(
                form,
                username=username,
                email=address,
                password=PASSWORD,
                consent_health="y",
                consent_guidelines="y",
            ),
        )
        if answer.status != 200 or address not in answer.text:
            raise Skip(f"sign-up answered {answer.status}: {answer.text[:300]!r}")
        raw = wait_for_mail(self.mail, address, "/confirm/", self.seen)
        confirm = path_of(link_in(raw, "/confirm/"))
        page = browser.get(confirm)
        form = Forms(page.text).form("/confirm/")
        answer = browser.post_form(confirm, filled(form))
        settings = browser.get("/settings")
        if settings.status != 200 or "/login" in settings.url:
            raise Skip(f"not signed in after confirming: {answer.status} {answer.url}")
        return browser

    def sign_in(self, login: str, password: str) -> Client:
        browser = self.client()
        form = Forms(browser.get("/login").text).form("/login")
        browser.post_form("/login", filled(form, login=login, password=password))
        settings = browser.get("/settings")
        if settings.status != 200 or "/login" in settings.url:
            raise Skip(f"/settings after signing in answered {settings.status} at {settings.url}")
        return browser

    def accounts(self) -> tuple[Client, Client] | None:
        ruth = self.sign_up("ruth_ci", "ruth@example.org")
        report(True, "sign-up through nginx, confirmed by the link mailed over SMTP")
        sam = self.sign_up("sam_ci", "sam@example.org")
        self.sign_in("ruth_ci", PASSWORD)
        report(True, "sign-in through nginx with username and password")
        return ruth, sam

    def reset(self) -> Client:
        browser = self.client()
        form = Forms(browser.get("/reset").text).form("/reset")
        browser.post_form("/reset", filled(form, login="ruth@example.org"))
        raw = wait_for_mail(self.mail, "ruth@example.org", "/reset/", self.seen)
        report(True, "a password-reset mail reached the SMTP server")
        link = path_of(link_in(raw, "/reset/"))
        form = Forms(browser.get(link).text).form("/reset/")
        browser.post_form(link, filled(form, password=NEW_PASSWORD, confirm=NEW_PASSWORD))
        signed_in = self.sign_in("ruth_ci", NEW_PASSWORD)
        report(True, "the reset link set a new password, and it signs in")
        # Reset mail is asked for by the person: it carries no unsubscribe link by design
        # (forum/services/outbox.py queue_direct). The header is checked on a notification.
        report(
            raw_header(raw, "List-Unsubscribe") is None,
            "the reset mail carries no List-Unsubscribe (it is not a notification)",
            "it has one",
        )
        return signed_in

    # A notification mail and its one-click unsubscribe ------------------------------------------
    def notification(self, ruth: Client, sam: Client) -> dict:
        form = Forms(ruth.get("/settings/notifications").text).form("/settings/notifications")
        ruth.post_form("/settings/notifications", filled(form, email_notifications="immediate"))
        if self.frequency(ruth) != "immediate":
            raise Skip("Ruth's notification settings did not take 'immediate'")
        board = re.search(r'href="(/b/\d+)"', ruth.get("/").text)
        if not board:
            raise Skip("no board on the index page (create-board failed?)")
        new = board.group(1) + "/new"
        form = Forms(ruth.get(new).text).form(new)
        title = f"Deploy check {uuid.uuid4().hex[:8]}"
        answer = ruth.post_form(
            new, filled(form, title=title, body="Hello from the deploy check.", submit="1")
        )
        thread = re.search(r"/t/(\d+)", answer.url)
        if answer.status != 200 or not thread:
            raise Skip(f"starting a thread answered {answer.status} at {answer.url}")
        reply = f"/t/{thread.group(1)}/reply"
        form = Forms(sam.get(reply).text).form(reply)
        answer = sam.post_form(reply, filled(form, body="A reply, to notify Ruth.", submit="1"))
        if answer.status != 200:
            raise Skip(f"the reply answered {answer.status}")
        report(True, "a member started a thread and another replied, through nginx")
        raw = wait_for_mail(self.mail, "ruth@example.org", "sam_ci", self.seen)
        value = raw_header(raw, "List-Unsubscribe") or ""
        readable = re.fullmatch(r"<https://[^<>\s]+/unsubscribe/[^<>\s]+>", value)
        report(
            bool(readable) and "=?" not in value,
            "the notification mail's List-Unsubscribe is one readable <https://…/unsubscribe/…>",
            f"the header reads {value[:160]!r}",
        )
        post = raw_header(raw, "List-Unsubscribe-Post")
        report(
            post == "List-Unsubscribe=One-Click",
            "it offers one-click unsubscribe (List-Unsubscribe-Post, RFC 8058)",
            f"List-Unsubscribe-Post: {post!r}",
        )
        # Decoded as a lenient mail program would, to check the link itself works either way.
        decoded = str(email.header.make_header(email.header.decode_header(value)))
        if re.fullmatch(r"<https://[^<>\s]+/unsubscribe/[^<>\s]+>", decoded):
            url = decoded.strip("<>")
            answer = self.client().request(
                path_of(url),
                b"List-Unsubscribe=One-Click",
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            chosen = self.frequency(ruth)
            report(
                answer.status == 200 and chosen == "never",
                "a mail program's one-click POST (no cookie, no form) stops Ruth's e-mail",
                f"status {answer.status}, her e-mail setting is now {chosen!r}",
            )
        return {"thread": thread.group(1), "title": title}

    @staticmethod
    def frequency(member: Client) -> str:
        """How often the member's notification settings say to e-mail them."""
        page = member.get("/settings/notifications").text
        fields = dict(Forms(page).form("/settings/notifications")["fields"])
        return fields.get("email_notifications", "")

    # Pictures -----------------------------------------------------------------------------------
    def picture(self, ruth: Client) -> str:
        form = Forms(ruth.get("/settings/profile").text).form("/settings/profile")
        answer = ruth.post_multipart(
            "/settings/profile", filled(form), {"avatar": ("me.png", png())}
        )
        found = re.search(r'src="(/avatars/[A-Za-z0-9_-]{32}\.png)"', answer.text)
        report(
            answer.status == 200 and bool(found),
            "a profile picture is uploaded through nginx",
            f"status {answer.status}",
        )
        return found.group(1) if found else ""

    def too_large(self, ruth: Client) -> None:
        form = Forms(ruth.get("/settings/profile").text).form("/settings/profile")
        photo = b"\xff\xd8\xff\xe0" + b"\x00" * (8 * 1024 * 1024 + 4096)
        answer = ruth.post_multipart(
            "/settings/profile", filled(form), {"avatar": ("big.jpg", photo)}
        )
        from_app = (
            "Content-Security-Policy" in answer.headers and "<center>nginx" not in answer.text
        )
        report(
            answer.status == 413 and from_app,
            "an 8 MB photo passes nginx and is refused by the app (413 with the site's page)",
            f"status {answer.status}, answered by {'the app' if from_app else 'nginx'}",
        )
        friendly = re.search(r"\d+(?:[.,]\d+)?\s*MB", answer.text)
        report(
            answer.status == 413 and bool(friendly),
            "that 413 page is the friendly one: it says how large a file may be",
            f"no size in MB on the page: {answer.text[:300]!r}",
        )

    def admin(self) -> None:
        if not self.o.admin:
            report(False, "the first admin signs in", "create-user did not create it (above)")
            return
        browser = self.sign_in(self.o.admin, os.environ["DEPLOY_CHECK_ADMIN_PASSWORD"])
        answer = browser.get("/admin/security")
        report(
            answer.status == 200,
            "the first admin (password given on stdin) signs in and opens an admin page",
            f"/admin/security answered {answer.status}",
        )

    # Phases -------------------------------------------------------------------------------------
    def before(self) -> None:
        run("/healthz", self.health)
        run("plain HTTP", self.plain_http)
        run("German page", self.german)
        pair = run("sign-up and sign-in", self.accounts)
        state: dict = {}
        if pair:
            ruth, sam = pair
            state.update(run("notification mail", self.notification, ruth, sam) or {})
            state["avatar"] = run("picture upload", self.picture, ruth) or ""
            run("8 MB upload", self.too_large, ruth)
        # Last: a new password ends Ruth's other sessions; the one it starts is kept for after.
        ruth = run("password reset", self.reset)
        if ruth:
            ruth.jar.filename = str(self.state_file.with_suffix(".cookies"))
            ruth.save()
        run("first admin", self.admin)
        self.state_file.write_text(json.dumps(state))

    def after(self) -> None:
        state = json.loads(self.state_file.read_text())
        jar = self.state_file.with_suffix(".cookies")
        if not jar.exists():
            report(False, "a session from before the restore still works", "no session was kept")
            return
        ruth = self.client(jar)
        settings = ruth.get("/settings")
        report(
            settings.status == 200 and "/login" not in settings.url,
            "Ruth's session from before the restore still works (the same secret key)",
            f"/settings answered {settings.status} at {settings.url}",
        )
        if state.get("thread"):
            page = ruth.get(f"/t/{state['thread']}")
            report(
                page.status == 200 and state["title"] in page.text,
                "her thread is back after the restore",
                f"status {page.status}",
            )
        if state.get("avatar"):
            picture = ruth.get(state["avatar"])
            report(
                picture.status == 200 and picture.body.startswith(b"\x89PNG"),
                "her picture is back after the restore",
                f"status {picture.status}",
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("phase", choices=["before", "after"])
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--https-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--mail", required=True, help="the folder the SMTP sink writes to")
    parser.add_argument("--state", required=True, help="a file kept between the two phases")
    parser.add_argument("--admin", default="")
    options = parser.parse_args()
    site = Site(options)
    site.before() if options.phase == "before" else site.after()
    if failures:
        print(f"  {len(failures)} check(s) through nginx failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
