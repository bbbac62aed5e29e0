"""Signing in: session login, API tokens, lockout after repeated failures, password rules."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from regions.demo import demo_data
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def demo_logins() -> list[str]:
    return [row["username"] for row in demo_data()["users"]]


@pytest.fixture
def password():
    return demo_data()["password"]


@pytest.mark.django_db
def test_every_demo_login_signs_in_with_the_demo_password(demo, client, password, subtests):
    from django.contrib.auth import get_user_model

    assert len(demo_logins()) == 6
    for username in demo_logins():
        with subtests.test(username=username):
            client.logout()
            response = client.post(LOGIN, {"username": username, "password": password})
            assert response.status_code == 302, response.content.decode()[:500]
            assert response["Location"] == "/"
            user_id = get_user_model().objects.get(username=username).pk
            assert client.session[SESSION_KEY] == str(user_id)
            home = client.get("/")
            assert home.status_code == 200
            assert username in home.content.decode()


@pytest.mark.django_db
def test_wrong_password_is_refused(demo, client):
    response = client.post(LOGIN, {"username": "office", "password": "wrong-password"})
    assert response.status_code == 200  # the form again
    assert SESSION_KEY not in client.session
    assert "alert-danger" in response.content.decode()


@pytest.mark.django_db
def test_token_obtain_and_use(demo, password, subtests):
    for username in ("office", "clerk_linxi", "admin"):
        with subtests.test(username=username):
            client = APIClient()
            response = client.post(TOKEN, {"username": username, "password": password}, format="json")
            assert response.status_code == 200, response.content
            token = response.json()["token"]
            assert len(token) == 40
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            assert client.get("/api/v1/regions/divisions/").status_code == 200
    bad = APIClient().post(TOKEN, {"username": "office", "password": "nope-nope-nope"}, format="json")
    assert bad.status_code == 400
    assert "token" not in bad.json()


@pytest.mark.django_db
def test_invalid_token_is_401(demo):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/regions/divisions/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.django_db
def test_axes_locks_out_after_five_failures(demo, client, password, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(1, 5):
        response = client.post(LOGIN, {"username": "clerk_linxi", "password": f"wrong-{attempt}"})
        assert response.status_code == 200, attempt  # the form again, not locked yet
    client.post(LOGIN, {"username": "clerk_linxi", "password": "wrong-5"})

    # Now even the right password is refused, with the lockout page.
    response = client.post(LOGIN, {"username": "clerk_linxi", "password": password})
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE == 429
    assert "锁定" in response.content.decode()
    assert SESSION_KEY not in client.session

    # The lockout is per user (and address): another user still signs in from the same client.
    response = client.post(LOGIN, {"username": "office", "password": password})
    assert response.status_code == 302
    assert SESSION_KEY in client.session


@pytest.mark.django_db
def test_axes_lockout_can_be_reset(demo, client, password):
    from axes.utils import reset

    for attempt in range(5):
        client.post(LOGIN, {"username": "auditor", "password": f"wrong-{attempt}"})
    assert client.post(LOGIN, {"username": "auditor", "password": password}).status_code == 429
    reset(username="auditor")
    assert client.post(LOGIN, {"username": "auditor", "password": password}).status_code == 302


@pytest.mark.django_db
def test_four_failures_then_success_resets_the_count(demo, client, password):
    """AXES_RESET_ON_SUCCESS: a correct login clears the failures before the limit is hit."""
    for attempt in range(4):
        client.post(LOGIN, {"username": "superior", "password": f"wrong-{attempt}"})
    assert client.post(LOGIN, {"username": "superior", "password": password}).status_code == 302
    client.logout()
    for attempt in range(4):
        client.post(LOGIN, {"username": "superior", "password": f"wrong-again-{attempt}"})
    assert client.post(LOGIN, {"username": "superior", "password": password}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["short1", "password123", "1234567890123", "kuoquan", "qwertyuiop"])
def test_password_validators_reject_weak_passwords(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


@pytest.mark.django_db
def test_password_validators_reject_a_password_like_the_username():
    from django.contrib.auth import get_user_model

    user = get_user_model()(username="zhangsan-jixi", first_name="张三")
    with pytest.raises(ValidationError):
        validate_password("zhangsan-jixi", user=user)


@pytest.mark.django_db
def test_password_validators_accept_a_strong_password():
    validate_password("绩溪-临溪-2009-扩权强镇")  # returns None: nothing raised


@pytest.mark.django_db
def test_token_endpoint_is_locked_out_too(demo, password):
    """Guessing through the API counts the same: after 5 failures the right password gets no token."""
    client = APIClient()
    for attempt in range(5):
        response = client.post(TOKEN, {"username": "office", "password": f"wrong-{attempt}"}, format="json")
        assert response.status_code == 400
    response = client.post(TOKEN, {"username": "office", "password": password}, format="json")
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.json()
    # and the lockout reaches the login page as well: the same user and address
    from django.test import Client

    assert Client().post(LOGIN, {"username": "office", "password": password}).status_code == 429
