"""Sign-in: a throttle shared by every worker (in the database), per username and source,
with growing delays; every success and failure logged; a password policy (HAZ-064)."""

from __future__ import annotations

import logging

import pytest
from server_helpers import PASSWORD, Api, Server
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from workwell_desktop.server import admin, auth


def register(api: Api, username: str, password: str):
    return api.post(
        "/api/v1/devices", json={"username": username, "password": password, "device_name": "Ann's laptop"}
    )


def wrong_until_throttled(api: Api, username: str = "bob") -> None:
    for _ in range(auth.FREE_ATTEMPTS):
        assert register(api, username, "not the password").status_code == 401


def test_the_throttle_is_shared_by_workers_and_survives_a_restart(two_teams):
    wrong_until_throttled(two_teams.api)
    other_worker = Server(two_teams.url)  # another process on the same database, or after a restart
    try:
        r = register(other_worker.api, "bob", PASSWORD)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    finally:
        other_worker.close()


def test_a_coach_is_not_kept_out_by_guesses_from_somewhere_else(two_teams):
    attacker = Api(two_teams.app, peer=("198.51.100.7", 40000), base_url="https://testserver")
    try:
        wrong_until_throttled(attacker)
        assert register(attacker, "bob", PASSWORD).status_code == 429  # the guesser waits
    finally:
        attacker.close()
    assert register(two_teams.api, "bob", PASSWORD).status_code == 201  # Bob, at his own desk, does not


def test_delays_grow_and_the_right_password_works_once_the_wait_is_over(two_teams):
    wrong_until_throttled(two_teams.api)
    first = register(two_teams.api, "bob", PASSWORD)
    assert first.status_code == 429 and "wait" in first.json()["detail"]
    waits = []
    for _ in range(3):
        with Session(two_teams.engine) as session:  # the wait passes
            session.execute(update(auth.SigninThrottle).values(wait_until=0.0))
            session.commit()
        assert register(two_teams.api, "bob", "still not it").status_code == 401
        waits.append(int(register(two_teams.api, "bob", PASSWORD).headers["Retry-After"]))
    assert waits[0] < waits[1] < waits[2] <= auth.MAX_DELAY
    with Session(two_teams.engine) as session:
        session.execute(update(auth.SigninThrottle).values(wait_until=0.0))
        session.commit()
    assert register(two_teams.api, "bob", PASSWORD).status_code == 201  # no hard lock
    assert two_teams.count("signin_throttle") == 0  # a success clears the count


def test_the_delay_schedule():
    assert [auth.signin_delay(n) for n in range(1, auth.FREE_ATTEMPTS)] == [0.0] * (auth.FREE_ATTEMPTS - 1)
    grown = [auth.signin_delay(n) for n in range(auth.FREE_ATTEMPTS, auth.FREE_ATTEMPTS + 12)]
    assert grown[0] == auth.FIRST_DELAY and grown == sorted(grown) and grown[-1] == auth.MAX_DELAY
    assert auth.signin_delay(10**6) == auth.MAX_DELAY


def test_an_hour_of_quiet_starts_the_count_again(two_teams):
    for _ in range(auth.FREE_ATTEMPTS - 1):
        assert register(two_teams.api, "bob", "not the password").status_code == 401
    with Session(two_teams.engine) as session:
        session.execute(update(auth.SigninThrottle).values(last_attempt_at=1.0))
        session.commit()
    for _ in range(auth.FREE_ATTEMPTS - 1):
        assert register(two_teams.api, "bob", "not the password").status_code == 401
    assert register(two_teams.api, "bob", PASSWORD).status_code == 201


def test_every_sign_in_is_logged_with_username_source_and_device_never_the_password(two_teams, caplog):
    caplog.set_level(logging.INFO, logger="workwell_desktop.server")
    assert register(two_teams.api, "ann", "a wrong password here").status_code == 401
    ok = register(two_teams.api, "ann", PASSWORD)
    assert ok.status_code == 201
    wrong_until_throttled(two_teams.api, "cat")
    assert register(two_teams.api, "cat", PASSWORD).status_code == 429
    lines = [r.getMessage() for r in caplog.records if "sign-in" in r.getMessage()]
    refused = [line for line in lines if "refused (wrong" in line and "'ann'" in line]
    assert refused and "source=127.0.0.1" in refused[0] and "Ann's laptop" in refused[0]
    (success,) = [line for line in lines if "sign-in ok" in line]
    assert "'ann'" in success and "source=127.0.0.1" in success and ok.json()["device_id"] in success
    assert any("too many tries" in line and "'cat'" in line for line in lines)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("a wrong password here", PASSWORD, "not the password", ok.json()["token"]):
        assert secret not in everything


def test_a_line_break_in_a_username_cannot_forge_a_log_line(two_teams, caplog):
    caplog.set_level(logging.INFO, logger="workwell_desktop.server")
    register(two_teams.api, "eve\nsign-in ok: username='ann'", "whatever it is")
    assert not any("\n" in r.getMessage() for r in caplog.records if "sign-in" in r.getMessage())


def test_behind_a_trusted_proxy_the_source_is_the_address_the_proxy_saw(database_url):
    server = Server(database_url, trusted_proxies=["10.0.0.2"])
    try:
        server.team("A")
        server.user("bob", "A")
        proxy = Api(server.app, peer=("10.0.0.2", 40000))
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1, 203.0.113.9"}
        for _ in range(auth.FREE_ATTEMPTS):
            r = proxy.post(
                "/api/v1/devices",
                headers=headers,
                json={"username": "bob", "password": "nope nope nope", "device_name": "x"},
            )
            assert r.status_code == 401
        with server.engine.connect() as conn:
            sources = conn.execute(text("SELECT source FROM signin_throttle")).scalars().all()
        assert sources == ["203.0.113.9"]  # the caller's own claim (127.0.0.1) is not believed
        proxy.close()
    finally:
        server.close()


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "Password123!", "qwertyuiop12", "bobsmith2026", "short pw"])
def test_weak_account_passwords_are_refused(two_teams, weak):
    with Session(two_teams.engine) as session, pytest.raises(admin.AdminError) as refused:
        admin.create_user(session, "bobsmith", "A", "coach", weak, "Bob Smith")
    assert "password" in str(refused.value).lower() or "characters" in str(refused.value)
    with Session(two_teams.engine) as session, pytest.raises(admin.AdminError):
        admin.reset_password(session, "ann", weak if weak != "bobsmith2026" else "ann ann ann ann")


def test_a_strong_account_password_is_accepted(two_teams):
    with Session(two_teams.engine) as session:
        admin.create_user(session, "dee", "A", "coach", "lantern orchard velvet", "Dee Lane")
    assert register(two_teams.api, "dee", "lantern orchard velvet").status_code == 201


def test_old_rows_are_pruned_so_made_up_usernames_cannot_grow_the_table(two_teams, monkeypatch):
    with Session(two_teams.engine) as session:
        for i in range(30):
            auth.reserve_signin(session, f"nobody{i}", "198.51.100.7", now=1_000.0)
        session.commit()
    assert two_teams.count("signin_throttle") == 30
    monkeypatch.setattr(auth, "PRUNE_ONE_IN", 1)
    with Session(two_teams.engine) as session:
        auth.reserve_signin(session, "ann", "127.0.0.1", now=1_000.0 + auth.QUIET_RESET + 1)
        session.commit()
    assert two_teams.count("signin_throttle") == 1
