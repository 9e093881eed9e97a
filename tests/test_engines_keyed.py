"""deep-translator's keyed clients (Microsoft, Yandex, Papago, Baidu, QCRI) over HTTP to fakes."""

from __future__ import annotations

import pytest

from fakeservers.api_servers import (
    BaiduServer,
    MicrosoftServer,
    PapagoServer,
    QcriServer,
    YandexServer,
)
from localize.config import EngineSettings
from localize.engines import PermanentError, TransientError, get_engine
from localize.locales import parse_locale

ZH_TW, EN, AR, KO = (parse_locale(c) for c in ("zh-Hant-TW", "en", "ar", "ko"))

# engine -> (server class, env settings, source, target, expected target code)
CASES = {
    "microsoft": (MicrosoftServer, {"MICROSOFT_API_KEY": "test-key"}, ZH_TW, EN, "en"),
    "yandex": (YandexServer, {"YANDEX_API_KEY": "test-key"}, ZH_TW, EN, "en"),
    "papago": (
        PapagoServer,
        {"LOCALIZE_PAPAGO_CLIENT_ID": "test-key", "LOCALIZE_PAPAGO_SECRET_KEY": "test-secret"},
        ZH_TW,
        KO,
        "ko",
    ),
    "baidu": (
        BaiduServer,
        {"BAIDU_APPID": "test-app", "BAIDU_APPKEY": "test-key"},
        ZH_TW,
        EN,
        "en",
    ),
    "qcri": (QcriServer, {"QCRI_API_KEY": "test-key"}, EN, AR, "ar"),
}


def _setup(name: str, monkeypatch: pytest.MonkeyPatch, **server_options: object):  # noqa: ANN202
    server_cls, env, source, target, code = CASES[name]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return server_cls(**server_options), source, target, code


@pytest.mark.parametrize("name", sorted(CASES))
def test_happy_path(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    server, source, target, code = _setup(name, monkeypatch)
    with server:
        engine = get_engine(EngineSettings(name=name, url=server.url, timeout=0.5))
        assert engine.translate([" 一句話。\n二 "], source, target) == [
            f" [{code}] 一句話。\n[{code}] 二 "
        ]
        assert server.requests == ["一句話。", "二"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_credentials_are_permanent(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    server, source, target, _ = _setup(name, monkeypatch, api_key="other-key")
    with server:
        engine = get_engine(EngineSettings(name=name, url=server.url, timeout=0.5))
        with pytest.raises(PermanentError) as caught:
            engine.translate(["x"], source, target)
    assert caught.value.reason == "auth"


@pytest.mark.parametrize("fault", ["429", "503", "hang", "malformed", "empty"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_faults_are_transient(name: str, fault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    server, source, target, code = _setup(name, monkeypatch, faults={1: fault}, hang_seconds=2)
    with server:
        engine = get_engine(EngineSettings(name=name, url=server.url, timeout=0.5))
        with pytest.raises(TransientError):
            engine.translate(["x"], source, target)
        assert engine.translate(["x"], source, target) == [f"[{code}] x"]
