"""The notification settings: a template per kind from the environment; the sender only with WeChat configured."""

from __future__ import annotations

import pytest

from graphql_api.notification_jobs import notification_sender, sender_config, wechat_sender
from graphql_api.settings import Notifications, Settings, SettingsError


def test_templates_and_pace_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WECHAT_TEMPLATE_MATCH_PROPOSED", " tmpl-proposed ")
    monkeypatch.setenv("WECHAT_TEMPLATE_SERVICE_TOMORROW", "")
    monkeypatch.setenv("LINLI_NOTIFICATION_LEASE_SECONDS", "8")
    monkeypatch.setenv("WECHAT_MINIPROGRAM_STATE", "Trial")
    notifications = Notifications.from_env()
    assert notifications.templates == {"MATCH_PROPOSED": "tmpl-proposed"}
    assert (notifications.lease_seconds, notifications.miniprogram_state) == (8.0, "trial")
    config = sender_config(Settings(env="test", notifications=notifications))
    assert (config.templates, config.send_timeout_seconds) == ({"MATCH_PROPOSED": "tmpl-proposed"}, 4.0)
    assert sender_config(Settings(env="test")).send_timeout_seconds == 10.0


@pytest.mark.parametrize(("name", "value"), [("WECHAT_MINIPROGRAM_STATE", "beta"),
                                             ("LINLI_REMINDER_FROM_HOUR", "24"),
                                             ("LINLI_NOTIFICATION_MAX_ATTEMPTS", "0")])
def test_bad_values_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Notifications.from_env()


def test_the_sender_runs_only_with_wechat_configured_and_not_switched_off():
    wechat = {"wechat_appid": "wx-app", "wechat_secret": "secret"}
    assert wechat_sender(Settings(env="test"), None) is None
    assert wechat_sender(Settings(env="test", **wechat), None) is not None
    off = Notifications(sender=False)
    assert wechat_sender(Settings(env="test", notifications=off, **wechat), None) is None


async def test_the_lifespan_job_is_nothing_without_wechat():
    async with notification_sender(Settings(env="test"), None):
        pass
