"""Real client code (deep-translator, DeepL's client) over real HTTP to the fake services."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote_plus

import pytest
import requests

from fakeservers.mt_servers import (
    DeepLServer,
    GoogleServer,
    LibreServer,
    MyMemoryServer,
    now_http_date,
)
from localize.config import EngineSettings
from localize.engines import PermanentError, TransientError, get_engine
from localize.locales import parse_locale

ZH_TW = parse_locale("zh-Hant-TW")
EN = parse_locale("en")
ZH_CN = parse_locale("zh-Hans-CN")
SERVERS = {
    "libre": LibreServer,
    "google": GoogleServer,
    "mymemory": MyMemoryServer,
    "deepl": DeepLServer,
}
TIMEOUT = 0.5


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPL_API_KEY", "test-key")
    monkeypatch.delenv("LIBRE_API_KEY", raising=False)


def _engine(name: str, server: object, **options: object):  # noqa: ANN202
    return get_engine(EngineSettings(name=name, url=server.url, timeout=TIMEOUT, **options))  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_happy_path_and_whitespace_restored(name: str) -> None:
    with SERVERS[name]() as server:
        engine = _engine(name, server)
        texts = ["  臺灣的模型。\n\n第二行 ⟦0⟧ ", "Gemma 4 [3]", "   "]
        result = engine.translate(texts, ZH_TW, EN)
    target = "EN-US" if name == "deepl" else "en"
    if name == "deepl":  # one request, lines travel together
        assert result[0] == f"  [{target}] 臺灣的模型。\n\n第二行 ⟦0⟧ "
    else:  # one request per line, line breaks restored by us
        assert result[0] == f"  [{target}] 臺灣的模型。\n\n[{target}] 第二行 ⟦0⟧ "
    assert result[1] == f"[{target}] Gemma 4 [3]"
    assert result[2] == "   "  # nothing sent for blank texts
    assert "   " not in server.requests
    assert all(text == text.strip() for text in server.requests)


def test_target_code_comes_from_our_table() -> None:
    with LibreServer() as libre, GoogleServer() as google, DeepLServer() as deepl:
        assert _engine("libre", libre).translate(["x"], ZH_TW, ZH_CN) == ["[zh-Hans] x"]
        assert _engine("google", google).translate(["x"], ZH_TW, ZH_CN) == ["[zh-CN] x"]
        assert _engine("deepl", deepl).translate(["x"], ZH_TW, ZH_CN) == ["[ZH-HANS] x"]
        assert libre.calls[0]["params"]["source"] == "zh-Hant"
        assert google.calls[0]["params"]["sl"] == "zh-TW"
        assert deepl.calls[0]["params"]["source_lang"] == "ZH"


FAULTS = ["429", "503", "500", "hang", "reset", "malformed", "empty"]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", sorted(SERVERS))
def test_faults_are_transient(name: str, fault: str) -> None:
    with SERVERS[name](faults={1: fault}, retry_after="7", hang_seconds=3) as server:
        engine = _engine(name, server)
        started = time.monotonic()
        with pytest.raises(TransientError) as caught:
            engine.translate(["臺灣"], ZH_TW, EN)
        elapsed = time.monotonic() - started
        assert elapsed < 2.0  # a hang ends at the timeout, not at the server's whim
        if fault in ("429", "503"):
            assert caught.value.status == int(fault)
            assert caught.value.retry_after == 7.0
        if fault == "hang":
            assert elapsed >= TIMEOUT * 0.9
        # the next request is served normally: no state left broken in the thread's translator
        assert engine.translate(["臺灣"], ZH_TW, EN)[0].endswith("臺灣")
        assert server.counters["requests"] == 2


def test_retry_after_as_http_date() -> None:
    server = LibreServer(faults={1: "429"}, retry_after=now_http_date(30))
    with server, pytest.raises(TransientError) as caught:
        _engine("libre", server).translate(["a"], EN, ZH_CN)
    assert caught.value.retry_after is not None and 27 <= caught.value.retry_after <= 31


def test_libre_wrong_key_is_permanent_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBRE_API_KEY", "wrong")
    with LibreServer(api_key="right") as server:
        with pytest.raises(PermanentError) as caught:
            _engine("libre", server).translate(["a"], EN, ZH_CN)
        assert (caught.value.reason, caught.value.status) == ("auth", 403)
        monkeypatch.setenv("LIBRE_API_KEY", "right")
        assert _engine("libre", server).translate(["a"], EN, ZH_CN) == ["[zh-Hans] a"]
        assert server.calls[-1]["params"]["api_key"] == "right"


def test_libre_server_with_legacy_codes() -> None:
    with LibreServer(legacy_codes=True) as server:
        with pytest.raises(PermanentError) as caught:
            _engine("libre", server).translate(["a"], EN, ZH_CN)
        assert caught.value.reason == "language" and caught.value.status == 400
        legacy = _engine("libre", server, extra={"legacy_chinese_codes": True})
        assert legacy.translate(["a"], EN, ZH_CN) == ["[zh] a"]
        assert legacy.translate(["a"], EN, ZH_TW) == ["[zt] a"]


def test_unsupported_language_is_permanent_before_any_request() -> None:
    with LibreServer() as server:
        with pytest.raises(PermanentError) as caught:
            _engine("libre", server).translate(["a"], EN, parse_locale("haw"))
        assert caught.value.reason == "language"
        assert server.counters["requests"] == 0


def test_deepl_auth_header_key_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    with DeepLServer(api_key="k1") as server:
        monkeypatch.setenv("DEEPL_API_KEY", "k1")
        engine = _engine("deepl", server, formality="prefer_less", model="quality_optimized")
        assert engine.translate(["a", "b"], ZH_TW, parse_locale("en-GB")) == [
            "[EN-GB] a",
            "[EN-GB] b",
        ]
        params = server.calls[0]["params"]
        assert params["formality"] == "prefer_less" and params["model_type"] == "quality_optimized"
        assert server.counters["requests"] == 1  # one request for the whole batch
        assert "formality=prefer_less" in engine.cache_options()
        # the retired scheme: key in the query string is refused
        refused = requests.post(
            f"{server.url}v2/translate?auth_key=k1",
            data={"text": "a", "target_lang": "DE"},
            timeout=2,
        )
        assert refused.status_code == 403
        monkeypatch.setenv("DEEPL_API_KEY", "wrong")
        with pytest.raises(PermanentError) as caught:
            _engine("deepl", server).translate(["a"], ZH_TW, EN)
        assert caught.value.reason == "auth"


def test_deepl_quota_and_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with DeepLServer(faults={1: "quota"}) as server:
        with pytest.raises(PermanentError) as caught:
            _engine("deepl", server).translate(["a"], ZH_TW, EN)
        assert caught.value.reason == "quota" and caught.value.status == 456
        monkeypatch.delenv("DEEPL_API_KEY")
        with pytest.raises(PermanentError, match="DEEPL_API_KEY") as missing:
            _engine("deepl", server).translate(["a"], ZH_TW, EN)
        assert missing.value.reason == "auth"


def test_mymemory_errors_inside_200_answers() -> None:
    with MyMemoryServer(faults={1: "quota"}, languages=("zh-TW", "en")) as server:
        engine = _engine("mymemory", server)
        with pytest.raises(PermanentError) as quota:
            engine.translate(["a"], ZH_TW, EN)
        assert quota.value.reason == "quota"
        with pytest.raises(PermanentError) as language:  # ja is valid for us, not for this server
            engine.translate(["a"], ZH_TW, parse_locale("ja"))
        assert language.value.status == 403 and "INVALID" in language.value.message


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_sixteen_threads_never_mix_results(name: str) -> None:
    texts = [f"第{i}句，編號 {i}。" for i in range(160)]
    with SERVERS[name](latency=0.005) as server:
        # a generous timeout: 16 threads on a loaded 2-core machine; mixing, not timing, is tested
        engine = get_engine(EngineSettings(name=name, url=server.url, timeout=10))
        prefix = "[EN-US]" if name == "deepl" else "[en]"
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda t: engine.translate([t], ZH_TW, EN), texts))
        assert results == [[f"{prefix} {t}"] for t in texts]
        assert sorted(server.answered) == sorted(texts)
        assert server.max_in_flight > 1


def _long_chinese(sentences: int) -> str:
    return "".join(
        f"這是第{i}個相當長的句子，用來測試網址長度的限制是否被遵守。" for i in range(sentences)
    )


@pytest.mark.parametrize(("name", "sentences"), [("google", 120), ("mymemory", 30)])
def test_long_cjk_text_is_split_under_the_url_limit(name: str, sentences: int) -> None:
    text = _long_chinese(sentences)
    with SERVERS[name]() as server:
        # the limit is real: deep-translator alone sends it in one URL and fails
        if name == "google":
            direct = requests.get(
                f"{server.url}m", params={"sl": "zh-TW", "tl": "en", "q": text}, timeout=2
            )
            assert direct.status_code == 414
        result = _engine(name, server).translate([text], ZH_TW, EN)[0]
        sent = server.requests
    assert len(sent) > 1
    assert "".join(sent) == text  # cut at sentence boundaries, nothing lost
    assert all(piece.endswith("。") for piece in sent)
    limit = 12000 if name == "google" else 1500
    assert all(len(quote_plus(piece)) <= limit for piece in sent)
    assert result == " ".join(f"[en] {piece}" for piece in sent)


def test_missing_credentials_are_permanent_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, env in (
        ("microsoft", "MICROSOFT_API_KEY"),
        ("yandex", "YANDEX_API_KEY"),
        ("baidu", "BAIDU_APPID"),
        ("papago", "LOCALIZE_PAPAGO_CLIENT_ID"),
        ("qcri", "QCRI_API_KEY"),
    ):
        monkeypatch.delenv(env, raising=False)
        engine = get_engine(EngineSettings(name=name, url="http://127.0.0.1:9/", timeout=TIMEOUT))
        with pytest.raises(PermanentError, match=env) as caught:
            engine.translate(
                ["a"],
                EN,
                parse_locale("ko" if name == "papago" else "ar" if name == "qcri" else "ja"),
            )
        assert caught.value.reason == "auth"


def test_deepl_sends_at_most_fifty_texts_per_request() -> None:
    texts = [f"句{i}" for i in range(120)]
    with DeepLServer() as server:
        result = _engine("deepl", server).translate(texts, ZH_TW, EN)
        sizes = [len(call["texts"]) for call in server.calls]
    assert result == [f"[EN-US] {t}" for t in texts]
    assert sizes == [50, 50, 20]


def test_deepl_formality_on_a_target_without_formality_still_translates() -> None:
    """One [engine] formality serves every target: DeepL refuses plain "more" for EN or ZH."""
    with DeepLServer() as server:
        engine = _engine("deepl", server, formality="more")
        assert engine.translate(["a"], ZH_TW, EN) == ["[EN-US] a"]
        assert engine.translate(["b"], ZH_TW, parse_locale("de")) == ["[DE] b"]
        assert [c["params"]["formality"] for c in server.calls] == ["prefer_more", "prefer_more"]


def test_fake_deepl_refuses_plain_formality_where_deepl_does() -> None:
    with DeepLServer() as server:
        refused = requests.post(
            f"{server.url}v2/translate",
            json={"text": ["a"], "target_lang": "EN-US", "formality": "less"},
            headers={"Authorization": "DeepL-Auth-Key test-key"},
            timeout=2,
        )
        accepted = requests.post(
            f"{server.url}v2/translate",
            json={"text": ["a"], "target_lang": "DE", "formality": "less"},
            headers={"Authorization": "DeepL-Auth-Key test-key"},
            timeout=2,
        )
    assert refused.status_code == 400 and "formality" in refused.text
    assert accepted.status_code == 200


@pytest.mark.parametrize("option", [{"formality": "very"}, {"model": "fastest"}])
def test_deepl_bad_option_is_a_config_error(option: dict[str, str]) -> None:
    from localize.errors import ConfigError

    with pytest.raises(ConfigError, match="deepl"):
        get_engine(EngineSettings(name="deepl", **option))  # type: ignore[arg-type]
