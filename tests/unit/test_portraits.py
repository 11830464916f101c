"""Demo portraits: drawn here, offline and deterministically, and stored like uploaded photos."""

from __future__ import annotations

import socket
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session, select

from mentoring_app import cli, demo
from mentoring_app.models import Profile
from mentoring_app.portraits import portrait_png
from tests.unit.test_cli_and_routes import cli_database  # noqa: F401 - a fixture


def test_a_portrait_is_the_same_picture_for_the_same_seed() -> None:
    first = portrait_png(7)
    assert first == portrait_png(7)
    assert first != portrait_png(8)
    with Image.open(BytesIO(first)) as image:
        assert image.format == "PNG" and image.size == (256, 256)
    assert len({portrait_png(seed) for seed in range(12)}) == 12


def test_demo_data_gives_about_half_the_members_a_stored_portrait_without_the_network(
    cli_database,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uploads = tmp_path / "uploads"
    monkeypatch.setenv("REFLEX_UPLOADED_FILES_DIR", str(uploads))

    def no_network(*args, **kwargs):
        raise AssertionError("demo data must not touch the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert cli.main(["demo-data"]) == 0
    with Session(cli_database) as session:
        photos = [p.photo for p in session.exec(select(Profile)).all()]
    with_photo = [name for name in photos if name]
    members = demo.MENTORS + demo.MENTEES + len(demo.NAMED_ACCOUNTS) - 1  # the admin has no profile
    assert 0.4 * members <= len(with_photo) <= 0.6 * members
    for name in with_photo:  # stored like uploads: a random name, a re-encoded JPEG, in the folder
        assert name.startswith("photo-") and name.endswith(".jpg")
        with Image.open(uploads / name) as image:
            assert image.format == "JPEG"
    assert len(set(with_photo)) == len(with_photo)
