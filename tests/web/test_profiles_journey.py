"""Profiles with a journey, pictures, and "Find peers".

A member tells others as much or as little as they want: each journey detail is shown to
signed-in members or to nobody, guests never see one, and "Find peers" lists only people who
opted in, matching only on what they show.
"""

from __future__ import annotations

import io
import os
import random
import re
import stat
import struct
import zlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from PIL import Image
from sqlalchemy import select

from forum.extensions import db
from forum.models import Block, MessagePolicy, User
from forum.policy import Viewer
from forum.services import messaging, profiles, sanctions
from forum.services.avatars import NOT_A_PICTURE
from tests.helpers import decoded_markup, signed_in, without_site_script
from tests.test_xss import PAYLOADS, assert_page_is_inert, inspect

EDIT = "/settings/profile"


@pytest.fixture
def app_config(app_config: dict, tmp_path: Path) -> dict:
    return {**app_config, "UPLOAD_FOLDER": tmp_path / "uploads"}


@pytest.fixture
def guest(app: Flask) -> FlaskClient:
    """A browser of its own (``client`` is the one ``member_client`` signs in)."""
    return app.test_client()


@pytest.fixture
def avatar_dir(app: Flask) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / "avatars"


def form(**changes) -> dict:
    """The profile form as a browser sends it: every detail hidden unless changed."""
    data = {
        "display_name": "",
        "about": "",
        "journey_role": "",
        "treatment_stage": "",
        "country": "",
        "submit": "Save my profile",
    }
    for name in profiles_fields():
        data[f"show_{name}"] = "nobody"
    data.update(changes)
    return data


def profiles_fields() -> tuple[str, ...]:
    return ("journey_role", "cancer_types", "treatment_stage", "languages", "country")


FULL_JOURNEY = {
    "journey_role": "caregiver",
    "cancer_types": ["ovarian", "breast"],
    "treatment_stage": "treatment",
    "languages": ["pl", "en"],
    "country": "PL",
}
#: What each detail reads like on a profile.
SHOWN_AS = {
    "journey_role": ("I am", "Caregiver, family or friend"),
    "cancer_types": ("Cancer types", "Breast, Ovarian"),
    "treatment_stage": ("Treatment stage", "In treatment"),
    "languages": ("Languages", "English, Polish"),
    "country": ("Country", "Poland"),
}


def everything_shown(**changes) -> dict:
    data = form(**FULL_JOURNEY)
    for name in profiles_fields():
        data[f"show_{name}"] = "members"
    data.update(changes)
    return data


def save(client: FlaskClient, data: dict, **kwargs):
    return client.post(EDIT, data=data, content_type="multipart/form-data", **kwargs)


def picture(fmt: str = "PNG", size=(120, 80), color=(200, 40, 40), **save_args) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    image.save(out, fmt, **save_args)
    return out.getvalue()


def upload(client: FlaskClient, data: bytes, filename: str = "me.png", **changes):
    return save(client, form(avatar=(io.BytesIO(data), filename), **changes))


def detail_rows(page: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]*)</dt>\s*<dd>(.*?)</dd>", page, re.S))


# --- editing and showing a profile ----------------------------------------------------------


def test_a_member_edits_their_profile_and_sees_it_saved(app, member_client, member, make_user):
    response = save(
        member_client,
        everything_shown(display_name="  Jen   K ", about="Mum of two.\r\nLikes long walks."),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(EDIT)
    page = decoded_markup(member_client.get(response.headers["Location"]))
    assert "Your profile is saved." in page
    # the form comes back with what was saved
    assert 'value="Jen K"' in page
    assert "Mum of two.\nLikes long walks.</textarea>" in page
    assert '<option selected value="caregiver">' in page
    checkbox = (
        r'<input checked id="cancer_types-\d+" name="cancer_types" type="checkbox" value="{}">'
    )
    assert re.search(checkbox.format("ovarian"), page)
    assert not re.search(checkbox.format("lung"), page)
    assert '<option selected value="PL">Poland</option>' in page

    other = decoded_markup(signed_in(app, make_user("kai")).get("/u/jen"))
    assert "<h1>Jen K</h1>" in other
    rows = detail_rows(other)
    for label, value in SHOWN_AS.values():
        assert rows[label] == value
    assert '<p class="about-text">Mum of two.\nLikes long walks.</p>' in other


def test_the_edit_page_asks_who_may_see_each_detail_in_a_labelled_group(member_client):
    page = decoded_markup(member_client.get(EDIT))
    assert 'enctype="multipart/form-data"' in page
    for question in (
        "Who can see your role",
        "Who can see your cancer types",
        "Who can see your treatment stage",
        "Who can see your languages",
        "Who can see your country",
        "Cancer types",
        "Languages I speak",
    ):
        assert f"<legend>{question}</legend>" in page
    assert '<option selected value="">Prefer not to say</option>' in page
    assert "Let other members find me on Find peers" in page
    # every input, select and textarea has a label
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page))
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids - {"csrf_token", "submit"} <= labelled, ids - labelled


def test_the_profile_page_and_settings_link_to_editing_it(member_client, app, member, make_user):
    assert f'<a href="{EDIT}">Edit my profile</a>' in decoded_markup(member_client.get("/u/jen"))
    assert f'<a href="{EDIT}">Edit my profile</a>' in decoded_markup(member_client.get("/settings"))
    assert 'href="/peers">Find peers</a>' in decoded_markup(member_client.get("/"))
    other = signed_in(app, make_user("kai"))
    assert "Edit my profile" not in decoded_markup(other.get("/u/jen"))


def test_guests_are_sent_to_sign_in_before_editing_or_finding_peers(client):
    for url in (EDIT, "/peers"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert 'href="/peers"' not in decoded_markup(client.get("/"))


@pytest.mark.parametrize("hidden", list(SHOWN_AS))
def test_a_detail_set_to_nobody_is_shown_to_no_one_but_its_owner(
    app, member_client, member, make_user, admin, hidden
):
    assert save(member_client, everything_shown(**{f"show_{hidden}": "nobody"})).status_code == 302
    label, value = SHOWN_AS[hidden]
    for viewer in (signed_in(app, make_user("kai")), signed_in(app, admin)):
        rows = detail_rows(decoded_markup(viewer.get("/u/jen")))
        assert label not in rows
        for other, (other_label, other_value) in SHOWN_AS.items():
            if other != hidden:
                assert rows[other_label] == other_value
    own = detail_rows(decoded_markup(member_client.get("/u/jen")))
    assert own[label] == f'{value} <span class="only-you">(only you can see this)</span>'
    shown_label = SHOWN_AS["country" if hidden != "country" else "languages"][0]
    assert "only you" not in own[shown_label]


def test_guests_never_see_journey_details_even_those_shown_to_members(guest, member_client, member):
    save(member_client, everything_shown(about="Hello from Kraków."))
    page = decoded_markup(guest.get("/u/jen"))
    assert "Hello from Kraków." in page
    rows = detail_rows(page)
    for label, value in SHOWN_AS.values():
        assert label not in rows
        assert value not in page


def test_the_email_address_is_never_on_a_profile_or_in_find_peers(
    app, guest, member_client, member, make_user
):
    save(member_client, everything_shown(findable="y", display_name="Jen"))
    kai = signed_in(app, make_user("kai"))
    for viewer, url in (
        (guest, "/u/jen"),
        (kai, "/u/jen"),
        (member_client, "/u/jen"),
        (member_client, EDIT),
        (kai, "/peers"),
    ):
        page = decoded_markup(viewer.get(url))
        assert member.email not in page
        assert "@example.org" not in page
    assert "Jen" in decoded_markup(kai.get("/peers"))


def test_a_wrong_choice_is_refused_with_everything_typed_kept(member_client, member):
    response = save(
        member_client,
        form(display_name="Jen the brave", about="Still here.", journey_role="wizard"),
    )
    assert response.status_code == 422
    page = decoded_markup(response)
    assert "Please choose one of the roles offered." in page
    assert 'value="Jen the brave"' in page
    assert "Still here.</textarea>" in page
    db.session.refresh(member)
    assert member.display_name == "Jen"
    assert member.about is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"cancer_types": ["breast", "dragonpox"]}, "Please choose cancer types from the list."),
        ({"languages": ["xx"]}, "Please choose languages from the list."),
        ({"treatment_stage": "later"}, "Please choose one of the treatment stages offered."),
        ({"country": "ZZ"}, "Please choose a country from the list."),
        ({"about": "x" * 1001}, "What you write about yourself can be at most 1,000 characters."),
        ({"display_name": "n" * 61}, "Display names can be at most 60 characters."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(member_client, member, changes, message):
    response = save(member_client, form(**{"about": "Kept", **changes}))
    assert response.status_code == 422
    assert message in decoded_markup(response)
    db.session.refresh(member)
    assert member.about is None
    assert member.cancer_types is None


def test_an_about_text_of_exactly_1000_characters_is_kept(member_client, member):
    assert save(member_client, form(about="y" * 1000)).status_code == 302
    db.session.refresh(member)
    assert member.about == "y" * 1000


# --- pictures -----------------------------------------------------------------------------------


def served(client: FlaskClient, page: str):
    found = re.search(r'<img class="avatar" src="(/avatars/[A-Za-z0-9_-]{32}\.png)" alt=""', page)
    assert found, "no picture on the page"
    return client.get(found.group(1))


@pytest.mark.parametrize("fmt, name", [("PNG", "me.png"), ("JPEG", "me.jpg")])
def test_an_uploaded_picture_is_re_encoded_as_a_256_pixel_png(
    app, guest, member_client, member, avatar_dir, fmt, name
):
    original = picture(fmt, size=(300, 200))
    response = upload(member_client, original, name)
    assert response.status_code == 302, decoded_markup(response)

    response = served(guest, decoded_markup(guest.get("/u/jen")))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline"
    assert "max-age" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
    data = response.get_data()
    assert data != original
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == (256, 256)
    assert [p.name for p in avatar_dir.iterdir()] == [f"{member.avatar_key}.png"]


def test_a_photo_is_turned_upright_and_loses_its_exif_details(guest, member_client, member):
    image = Image.new("RGB", (200, 100), (220, 0, 0))
    image.paste((0, 0, 220), (100, 0, 200, 100))  # left half red, right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show
    exif[0x010F] = "SecretCam"  # camera maker
    exif[0x0131] = "Where-I-live software"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    assert b"SecretCam" in out.getvalue()

    assert upload(member_client, out.getvalue(), "photo.jpg").status_code == 302
    data = served(guest, decoded_markup(guest.get("/u/jen"))).get_data()
    assert b"SecretCam" not in data
    assert b"Where-I-live" not in data
    with Image.open(io.BytesIO(data)) as result:
        assert not result.getexif()
        assert "exif" not in result.info
        rgb = result.convert("RGB")
        # upright, the left (red) half is on top: the top right is red, the bottom left blue
        top_right, bottom_left = rgb.getpixel((216, 40)), rgb.getpixel((40, 216))
    assert top_right[0] > 150 and top_right[2] < 80, top_right
    assert bottom_left[2] > 150 and bottom_left[0] < 80, bottom_left


def test_a_stored_picture_is_readable_by_the_apps_user_and_group_only(
    app, member_client, member, avatar_dir
):
    previous = os.umask(0o022)  # a common umask: would leave 0644 files and 0755 folders
    try:
        assert upload(member_client, picture()).status_code == 302
    finally:
        os.umask(previous)
    db.session.refresh(member)
    stored = avatar_dir / f"{member.avatar_key}.png"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o640
    assert stat.S_IMODE(avatar_dir.stat().st_mode) == 0o750
    assert stat.S_IMODE(avatar_dir.parent.stat().st_mode) == 0o750  # UPLOAD_FOLDER, made too
    assert [path.name for path in avatar_dir.iterdir()] == [stored.name]  # no temporary left


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_gif_and_webp_pictures_are_accepted(member_client, member, fmt):
    assert upload(member_client, picture(fmt), f"me.{fmt.lower()}").status_code == 302
    db.session.refresh(member)
    assert member.avatar_key


def test_only_the_first_frame_of_an_animation_is_kept(guest, member_client):
    frames = [Image.new("RGB", (50, 50), color) for color in ((0, 200, 0), (200, 0, 0))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert upload(member_client, out.getvalue(), "wave.gif").status_code == 302
    with Image.open(
        io.BytesIO(served(guest, decoded_markup(guest.get("/u/jen"))).get_data())
    ) as image:
        assert getattr(image, "n_frames", 1) == 1
        r, g, b = image.convert("RGB").getpixel((128, 128))
    assert g > 150 and r < 60


def assert_refused(response, message: str, member: User, avatar_dir: Path) -> None:
    assert response.status_code == 422
    assert message in decoded_markup(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    db.session.refresh(member)
    assert member.avatar_key is None
    assert not avatar_dir.exists() or not any(avatar_dir.iterdir())


@pytest.mark.parametrize(
    "content, name",
    [
        (b"Just some words, not a picture at all.\n", "notes.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "drawing.png"),
        (b"<html><script>alert(1)</script></html>", "page.gif"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "scan.jpg"),
    ],
)
def test_a_file_that_is_not_a_picture_is_refused_whatever_its_name(
    member_client, member, avatar_dir, content, name
):
    response = upload(member_client, content, name, display_name="Jen Kowalska")
    assert_refused(response, NOT_A_PICTURE, member, avatar_dir)
    assert 'value="Jen Kowalska"' in decoded_markup(response)  # the rest of the form is kept
    assert member.display_name == "Jen"  # and nothing of it saved


def test_a_bmp_or_tiff_picture_is_refused_as_not_a_format_we_use(member_client, member, avatar_dir):
    for fmt in ("BMP", "TIFF"):
        response = upload(member_client, picture(fmt), f"me.{fmt.lower()}")
        assert_refused(response, NOT_A_PICTURE, member, avatar_dir)


def test_a_truncated_picture_is_refused(member_client, member, avatar_dir):
    whole = picture("JPEG", size=(400, 400))
    response = upload(member_client, whole[: len(whole) // 2], "half.jpg")
    assert_refused(response, NOT_A_PICTURE, member, avatar_dir)


def test_a_file_over_the_size_limit_is_refused(app, member_client, member, avatar_dir):
    app.config["AVATAR_MAX_BYTES"] = 1024
    noisy = Image.frombytes("RGB", (64, 64), random.Random(6).randbytes(64 * 64 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 1024
    response = upload(member_client, out.getvalue())
    assert_refused(response, "That picture is larger than 1 KB", member, avatar_dir)
    assert "Up to 1 KB." in decoded_markup(response)


def test_the_default_limit_is_2_mb(member_client):
    assert "Up to 2 MB." in decoded_markup(member_client.get(EDIT))


#: The 413 page's words, in each language (from the catalogues: untranslated fails here).
TOO_LARGE = {
    "en": (
        "That was too large to send",
        "Pictures can be up to 2 MB. Please go back and choose a smaller picture",
        "Kindred reads at most 8 MB at once.",
    ),
    "de": (
        "Das war zu groß zum Senden",
        "Bilder dürfen bis zu 2 MB groß sein. Bitte gehen Sie zurück und wählen Sie ein kleineres",
        "Kindred liest höchstens 8 MB auf einmal.",
    ),
}


@pytest.mark.parametrize("locale", ["en", "de"])
def test_an_upload_over_the_request_limit_gets_a_calm_page_in_the_members_language(
    app, member_client, member, avatar_dir, locale
):
    member.locale = locale
    db.session.commit()
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 8 * 1024 * 1024  # the default, FORUM_MAX_REQUEST_BYTES
    response = upload(member_client, b"\xff" * limit, "holiday.jpg", about="Typed words")

    assert response.status_code == 413
    page = decoded_markup(response)
    for words in TOO_LARGE[locale]:
        assert words in page
    raw = response.get_data(as_text=True)
    assert '<a href="/settings/profile">' in raw  # back to the form
    assert "Need help now?" in page or "Brauchen Sie jetzt Hilfe?" in page  # the site's chrome
    assert 'class="site-footer"' in raw
    # No form and no CSRF token handed out, no inline script, no copy kept, no cookie changed.
    assert "csrf_token" not in raw and "<form" not in raw
    assert without_site_script(raw).count("<script") == 0
    assert response.headers["Cache-Control"] == "no-store"
    assert not [c for c in response.headers.getlist("Set-Cookie") if "session" in c]
    assert member_client.get(EDIT).status_code == 200  # still signed in
    db.session.refresh(member)
    assert member.avatar_key is None and member.about != "Typed words"
    assert not avatar_dir.exists() or not any(avatar_dir.iterdir())


def test_an_8_mb_photo_under_the_request_limit_gets_a_form_error_keeping_what_was_typed(
    app, member_client, member, avatar_dir
):
    """A phone's "8 MB" photo (8,000,000 bytes) is under the 8 MiB request limit: the form comes
    back with the picture's limit, and everything else typed is still in it."""
    photo = b"\xff\xd8\xff\xe0" + random.Random(8).randbytes(8 * 10**6 - 4)
    response = upload(
        member_client, photo, "IMG_2041.jpg", display_name="Jen Kowalska", about="Typed words"
    )
    assert_refused(response, "That picture is larger than 2 MB", member, avatar_dir)
    page = decoded_markup(response)
    assert 'value="Jen Kowalska"' in page
    assert re.search(r'name="about">\s*Typed words</textarea>', page)
    db.session.refresh(member)
    assert member.display_name == "Jen" and member.about != "Typed words"


def test_a_picture_of_too_many_pixels_is_refused(member_client, member, avatar_dir):
    response = upload(member_client, picture("PNG", size=(4001, 10)), "long.png")
    assert_refused(response, "That picture is too big", member, avatar_dir)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's first step)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [5000, 10000, 20000, 100000])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(
    member_client, member, avatar_dir, side
):
    bomb = _png_claiming(side, side)
    assert len(bomb) < 200
    assert_refused(upload(member_client, bomb, "bomb.png"), "too big", member, avatar_dir)


def test_an_empty_upload_keeps_the_current_picture(member_client, member, avatar_dir):
    upload(member_client, picture())
    db.session.refresh(member)
    key = member.avatar_key
    response = save(member_client, form(avatar=(io.BytesIO(b""), ""), about="Hi"))
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.avatar_key == key
    assert member.about == "Hi"
    assert (avatar_dir / f"{key}.png").exists()


def test_a_new_picture_replaces_and_deletes_the_old_one(guest, member_client, member, avatar_dir):
    upload(member_client, picture(color=(10, 200, 10)))
    db.session.refresh(member)
    first = member.avatar_key
    assert guest.get(f"/avatars/{first}.png").status_code == 200

    upload(member_client, picture(color=(10, 10, 200)))
    db.session.refresh(member)
    second = member.avatar_key
    assert second != first
    assert [p.name for p in avatar_dir.iterdir()] == [f"{second}.png"]
    assert guest.get(f"/avatars/{first}.png").status_code == 404
    assert guest.get(f"/avatars/{second}.png").status_code == 200


def test_removing_the_picture_deletes_it_and_shows_initials(
    guest, member_client, member, avatar_dir
):
    upload(member_client, picture(), display_name="Jen Kowalska")
    db.session.refresh(member)
    key = member.avatar_key
    page = decoded_markup(member_client.get(EDIT))
    assert "Remove my picture</button>" in page

    assert member_client.get("/settings/profile/avatar/remove").status_code == 405
    response = member_client.post("/settings/profile/avatar/remove")
    assert response.status_code == 302
    assert "Your picture is removed" in decoded_markup(
        member_client.get(response.headers["Location"])
    )
    db.session.refresh(member)
    assert member.avatar_key is None
    assert not any(avatar_dir.iterdir())
    assert guest.get(f"/avatars/{key}.png").status_code == 404
    profile = guest.get("/u/jen").get_data(as_text=True)
    assert '<span class="avatar avatar-initials" aria-hidden="true">JK</span>' in profile
    assert "<img" not in profile
    assert "Remove my picture" not in decoded_markup(member_client.get(EDIT))


@pytest.mark.parametrize(
    "url",
    [
        "/avatars/..%2F..%2Fetc.png",
        "/avatars/..%2Fsecret.png",
        "/avatars/%2E%2E%2Fsecret.png",
        "/avatars/../secret.png",
        "/avatars/secret.png",
        "/avatars/" + "A" * 32 + ".png",
        "/avatars/" + "A" * 31 + ".png",
        "/avatars/" + "A" * 31 + "%2F.png",
        "/avatars/" + "A" * 31 + "..png",
        "/avatars/" + "A" * 32 + ".png.png",
    ],
)
def test_only_a_stored_pictures_exact_address_is_served(app, client, member, url):
    uploads = Path(app.config["UPLOAD_FOLDER"])
    (uploads / "avatars").mkdir(parents=True)
    (uploads / "secret.png").write_bytes(b"secret")
    (uploads / "avatars" / ("A" * 31 + ".png")).write_bytes(b"not listed")
    response = client.get(url)
    assert response.status_code == 404
    assert b"secret" not in response.get_data()
    assert b"not listed" not in response.get_data()


def test_initials_come_from_the_name(client, make_user):
    for username, display, expected in (
        ("kasia", "Kasia Nowak", "KN"),
        ("maria_f", "Maria (peer facilitator)", "MP"),
        ("tom", None, "T"),
        ("j_smith", None, "JS"),
    ):
        make_user(username, display_name=display)
        page = client.get(f"/u/{username}").get_data(as_text=True)
        assert f'<span class="avatar avatar-initials" aria-hidden="true">{expected}</span>' in page


# --- find peers ---------------------------------------------------------------------------------


def journey(user: User, *, findable: bool = True, shown: bool = True, **details) -> User:
    values = {
        "journey_role": None,
        "cancer_types": [],
        "treatment_stage": None,
        "languages": [],
        "country": None,
        **details,
    }
    profiles.update_profile(
        user,
        user.display_name,
        user.about,
        values["journey_role"],
        values["cancer_types"],
        values["treatment_stage"],
        values["languages"],
        values["country"],
        show_journey_role=shown,
        show_cancer_types=shown,
        show_treatment_stage=shown,
        show_languages=shown,
        show_country=shown,
        findable=findable,
    )
    return user


def listed(response) -> list[str]:
    return re.findall(r'<h3><a href="/u/([^"]+)">', response.get_data(as_text=True))


@pytest.fixture
def peers(make_user) -> dict[str, User]:
    people = {
        "ana": journey(
            make_user("ana", display_name="Ana"),
            journey_role="patient",
            cancer_types=["breast"],
            treatment_stage="treatment",
            languages=["es", "en"],
            country="ES",
        ),
        "ben": journey(
            make_user("ben", display_name="Ben"),
            journey_role="caregiver",
            cancer_types=["lung", "breast"],
            treatment_stage="advanced",
            languages=["en"],
            country="IE",
        ),
        "cleo": journey(
            make_user("cleo", display_name="Cleo"),
            journey_role="patient",
            cancer_types=["breast"],
            languages=["fr"],
            country="FR",
            shown=False,  # findable, but every detail hidden
        ),
        "dan": journey(
            make_user("dan", display_name="Dan"),
            findable=False,  # not opted in
            journey_role="patient",
            cancer_types=["breast"],
            country="ES",
        ),
    }
    return people


@pytest.fixture
def seeker(app, make_user) -> FlaskClient:
    return signed_in(app, make_user("seeker", display_name="Seeker"))


def test_find_peers_lists_only_members_who_opted_in(seeker, peers):
    response = seeker.get("/peers")
    assert response.status_code == 200
    assert listed(response) == ["ana", "ben", "cleo"]
    page = decoded_markup(response)
    assert "3 members" in page
    assert "/u/dan" not in page


def test_find_peers_shows_only_the_details_each_member_shows(seeker, peers):
    page = seeker.get("/peers").get_data(as_text=True)
    cards = dict(
        zip(
            listed_names := re.findall(r'<h3><a href="/u/([^"]+)">', page),
            re.split(r'<li class="peer-card">', page)[1:],
            strict=True,
        )
    )
    assert listed_names == ["ana", "ben", "cleo"]
    assert "Living with cancer" in cards["ana"] and "Spanish" in cards["ana"]
    assert "Spain" in cards["ana"]
    assert "Caregiver" in cards["ben"] and "Lung" in cards["ben"]
    for hidden in ("Living with cancer", "Breast", "French", "France", "only you"):
        assert hidden not in cards["cleo"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("role=patient", ["ana"]),
        ("role=caregiver", ["ben"]),
        ("cancer_type=breast", ["ana", "ben"]),
        ("cancer_type=lung", ["ben"]),
        ("cancer_type=breast&role=patient", ["ana"]),
        ("stage=treatment", ["ana"]),
        ("language=en", ["ana", "ben"]),
        ("language=es", ["ana"]),
        ("language=fr", []),
        ("country=ES", ["ana"]),
        ("country=FR", []),
        ("role=bereaved", []),
        ("role=&cancer_type=&stage=&language=&country=", ["ana", "ben", "cleo"]),
    ],
)
def test_filters_match_only_details_people_show(seeker, peers, query, expected):
    response = seeker.get(f"/peers?{query}")
    assert response.status_code == 200
    assert listed(response) == expected


def test_a_hidden_detail_never_matches_a_filter(app, make_user, peers):
    """Cleo is a French patient with breast cancer who shows none of it: no search finds her."""
    viewer = make_user("viewer")
    for filters in (
        {"role": "patient"},
        {"cancer_type": "breast"},
        {"language": "fr"},
        {"country": "FR"},
    ):
        found = profiles.find_peers(Viewer(viewer), **filters)
        assert "cleo" not in [member.username for member in found.items], filters


def test_a_detail_hidden_after_being_shown_stops_matching(app, peers, seeker):
    assert listed(seeker.get("/peers?country=ES")) == ["ana"]
    ana = peers["ana"]
    ana.show_country = False
    db.session.commit()
    assert listed(seeker.get("/peers?country=ES")) == []
    assert listed(seeker.get("/peers?language=es")) == ["ana"]


def test_an_unknown_filter_is_refused_with_a_message(seeker, peers):
    response = seeker.get("/peers?cancer_type=dragonpox")
    assert response.status_code == 422
    assert "Please choose a cancer type." in decoded_markup(response)
    assert listed(response) == []


def test_the_seeker_is_not_listed_among_their_own_peers(app, make_user, peers):
    ana_client = signed_in(app, peers["ana"])
    assert listed(ana_client.get("/peers")) == ["ben", "cleo"]


def test_blocked_people_are_left_out_both_ways(app, make_user, peers):
    seeker = make_user("seeker")
    messaging.block(seeker, peers["ana"])  # the seeker blocked Ana
    messaging.block(peers["ben"], seeker)  # Ben blocked the seeker
    assert listed(signed_in(app, seeker).get("/peers")) == ["cleo"]
    assert "seeker" not in listed(signed_in(app, peers["ben"]).get("/peers"))


def test_suspended_members_are_left_out(app, make_user, admin, peers, seeker):
    sanctions.suspend(admin, peers["ben"], 7, "Spam")
    assert listed(seeker.get("/peers")) == ["ana", "cleo"]


def test_the_message_link_respects_each_persons_message_settings(seeker, peers):
    peers["ben"].message_policy = MessagePolicy.NOBODY
    peers["cleo"].message_policy = MessagePolicy.KNOWN
    db.session.commit()
    page = seeker.get("/peers").get_data(as_text=True)
    assert 'href="/messages/new?to=ana">Send Ana a message</a>' in page
    assert "to=ben" not in page
    assert "to=cleo" not in page
    assert "Ben" in page  # still listed, with no word about why there is no link
    assert "not taking messages" not in page


def test_results_come_in_pages(app, make_user, seeker):
    for number in range(23):
        journey(make_user(f"peer{number:02d}"))
    first = seeker.get("/peers")
    assert len(listed(first)) == 20
    assert "23 members" in decoded_markup(first)
    second = seeker.get("/peers?page=2")
    assert listed(second) == ["peer20", "peer21", "peer22"]
    assert 'href="/peers?page=2"' in first.get_data(as_text=True)


def test_paging_keeps_the_filters(app, make_user, seeker):
    for number in range(21):
        journey(make_user(f"peer{number:02d}"), languages=["pl"])
    page = seeker.get("/peers?language=pl").get_data(as_text=True)
    assert 'href="/peers?page=2&amp;language=pl"' in page


def test_with_nobody_listed_the_page_explains_how_to_opt_in(seeker):
    page = decoded_markup(seeker.get("/peers"))
    assert "No one is listed here yet." in page
    assert f'<a href="{EDIT}">their profile</a>' in page
    assert "You are not listed here yourself." in page


def test_opting_in_through_the_form_makes_a_member_findable(app, member_client, make_user):
    save(member_client, everything_shown(findable="y"))
    seeker = signed_in(app, make_user("kai"))
    assert listed(seeker.get("/peers?cancer_type=ovarian&language=pl")) == ["jen"]
    save(member_client, everything_shown())  # the checkbox left unticked
    assert listed(seeker.get("/peers")) == []


# --- what members type comes back as text ------------------------------------------------------

SAMPLE = PAYLOADS[:: len(PAYLOADS) // 60]


def test_at_least_fifty_payloads_are_tried():
    assert len(SAMPLE) >= 50


def test_payloads_in_a_name_or_about_text_are_shown_as_text(app, client, member, make_user):
    kai = signed_in(app, make_user("kai"))
    mine = signed_in(app, member)
    for payload in SAMPLE:
        name = " ".join(payload.split())[:60]
        profiles.update_profile(
            member,
            name,
            payload[:1000],
            "patient",
            ["breast"],
            None,
            [],
            None,
            show_journey_role=True,
            findable=True,
        )
        saved_name, saved_about = member.name, member.about
        guest_page = client.get("/u/jen").get_data(as_text=True)
        assert_page_is_inert(f"profile: {payload!r}", guest_page)
        if saved_about:
            assert f'<p class="about-text">{escape(saved_about)}</p>' in guest_page, payload
        assert f"<h1>{escape(saved_name)}</h1>" in guest_page, payload
        for page_url, viewer in (("/peers", kai), ("/u/jen", kai), (EDIT, mine)):
            found = inspect(viewer.get(page_url).get_data(as_text=True))
            assert not found.problems, (page_url, payload, found.problems)


def test_payloads_typed_into_the_form_come_back_inert(member_client, member):
    for payload in SAMPLE[::5]:
        response = save(member_client, form(display_name=payload[:60], about=payload[:1000]))
        assert response.status_code == 302, payload  # saved, as typed
        for url in ("/u/jen", EDIT):
            found = inspect(member_client.get(url).get_data(as_text=True))
            assert not found.problems, (url, payload, found.problems)


# --- the buttons on a member's page (issue 22: each form its own address) --------------------


def button_addresses(client: FlaskClient, username: str) -> list[str]:
    page = client.get(f"/u/{username}").get_data(as_text=True)
    return re.findall(
        rf'<form class="inline-form" method="post" action="(/u/{username}/\w+)"', page
    )


def test_each_button_on_a_members_page_posts_to_its_own_address_and_does_what_it_says(
    app, make_user, admin
):
    kai = make_user("kai")
    as_admin = signed_in(app, admin)

    def state() -> tuple[bool, bool, bool]:
        db.session.expire_all()
        person = db.session.get(User, kai.id)
        blocked = db.session.scalar(
            select(Block.id).where(Block.blocker_id == admin.id, Block.blocked_id == kai.id)
        )
        return blocked is not None, person.verified_professional, person.trusted

    assert state() == (False, False, False)
    assert button_addresses(as_admin, "kai") == ["/u/kai/block", "/u/kai/verify", "/u/kai/trust"]
    for address in button_addresses(as_admin, "kai"):
        response = as_admin.post(address)
        assert response.status_code == 302, address
        assert response.headers["Location"].endswith("/u/kai"), address
    assert state() == (True, True, True)

    undo = button_addresses(as_admin, "kai")
    assert undo == ["/u/kai/unblock", "/u/kai/unverify", "/u/kai/distrust"]
    for address in undo:
        assert as_admin.post(address).status_code == 302, address
    assert state() == (False, False, False)


def test_a_member_has_only_the_block_button_and_cannot_trust_or_verify(app, make_user):
    make_user("kai")
    as_jen = signed_in(app, make_user("jen"))
    assert button_addresses(as_jen, "kai") == ["/u/kai/block"]
    for address in ("/u/kai/verify", "/u/kai/unverify", "/u/kai/trust", "/u/kai/distrust"):
        assert as_jen.post(address).status_code == 403, address
    assert as_jen.post("/u/kai/befriend").status_code == 404
    assert as_jen.get("/u/kai/block").status_code == 405
