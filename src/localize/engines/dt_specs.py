"""What differs between deep-translator's translators: class, endpoint, limits, credentials.

Each service also reports some failures inside a 200 answer (MyMemory's
``responseStatus``, Baidu's ``error_code``, Yandex's ``code``); the body
checks here turn those into the same TransientError/PermanentError the
HTTP statuses give.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from localize.engines.base import PermanentError, TransientError, classify_http


@dataclass(frozen=True)
class Credential:
    argument: str  # keyword of the deep-translator constructor
    env: str  # environment variable (SPEC section 6)
    required: bool = True


BodyCheck = Callable[[str, requests.Response], "TransientError | PermanentError | None"]


@dataclass(frozen=True)
class DeepTranslatorSpec:
    name: str
    module: str  # deep_translator.<module>
    class_name: str
    default_url: str
    url_path: str  # appended to a bare ``url`` override (scheme://host[:port]/)
    initial_codes: tuple[str, str]  # codes its constructor accepts; ours are set afterwards
    max_chars: int
    max_url_bytes: int | None  # the text travels in the query string
    concurrency: int
    rate_limit: float | None
    credentials: tuple[Credential, ...] = ()
    body_check: BodyCheck | None = None
    call_options: tuple[tuple[str, str, str], ...] = field(
        default=()
    )  # (kwarg, extra key, default)


def _json(response: requests.Response) -> object:
    try:
        return json.loads(response.text)
    except ValueError:
        return None


def _mymemory_check(
    engine: str, response: requests.Response
) -> TransientError | PermanentError | None:
    data = _json(response)
    if not isinstance(data, dict):
        return None  # the caller's shape checks report it
    try:
        status = int(data.get("responseStatus", 200))
    except (TypeError, ValueError):
        return TransientError(f"{engine}: malformed responseStatus", status=response.status_code)
    if status == 200:
        return None
    details = str(
        data.get("responseDetails") or (data.get("responseData") or {}).get("translatedText")
    )
    if data.get("quotaFinished"):
        return PermanentError(
            f"{engine}: daily quota used up ({details})", status=status, reason="quota"
        )
    return classify_http(engine, status, response.headers, details)


_BAIDU_TRANSIENT = {"52001", "52002", "54003", "54005"}
_BAIDU_REASONS = {
    "52003": "auth",
    "54001": "auth",
    "58000": "auth",
    "54004": "quota",
    "58001": "language",
}


def _baidu_check(
    engine: str, response: requests.Response
) -> TransientError | PermanentError | None:
    data = _json(response)
    if not isinstance(data, dict) or "error_code" not in data:
        return None
    code = str(data["error_code"])
    if code in ("0", "52000"):
        return None
    message = f"{engine}: error {code} ({data.get('error_msg', '')})"
    if code in _BAIDU_TRANSIENT:
        return TransientError(message)
    return PermanentError(message, reason=_BAIDU_REASONS.get(code, "other"))


def _yandex_check(
    engine: str, response: requests.Response
) -> TransientError | PermanentError | None:
    data = _json(response)
    if not isinstance(data, dict) or data.get("code", 200) == 200:
        return None
    try:
        code = int(data["code"])
    except (TypeError, ValueError):
        return TransientError(f"{engine}: malformed code", status=response.status_code)
    if code == 404:
        return PermanentError(f"{engine}: daily limit exceeded", status=code, reason="quota")
    if code == 501:
        return PermanentError(
            f"{engine}: language pair not supported", status=code, reason="language"
        )
    return classify_http(engine, code, response.headers, str(data.get("message", "")))


def _yandex_result(result: object) -> object:
    """Yandex answers a list of strings."""
    if isinstance(result, list) and result and all(isinstance(r, str) for r in result):
        return "".join(result)
    return result


SPECS: dict[str, DeepTranslatorSpec] = {
    spec.name: spec
    for spec in (
        DeepTranslatorSpec(
            "google",
            "google",
            "GoogleTranslator",
            "https://translate.google.com/m",
            "/m",
            ("en", "de"),
            4900,
            12000,
            4,
            5.0,
        ),
        DeepTranslatorSpec(
            "mymemory",
            "mymemory",
            "MyMemoryTranslator",
            "https://api.mymemory.translated.net/get",
            "/get",
            ("en-GB", "de-DE"),
            500,
            1500,
            2,
            2.0,
            (Credential("email", "LOCALIZE_MYMEMORY_EMAIL", required=False),),
            _mymemory_check,
        ),
        DeepTranslatorSpec(
            "libre",
            "libre",
            "LibreTranslator",
            "https://libretranslate.com/",
            "/",
            ("en", "es"),
            5000,
            12000,
            4,
            2.0,
            (Credential("api_key", "LIBRE_API_KEY", required=False),),
        ),
        DeepTranslatorSpec(
            "microsoft",
            "microsoft",
            "MicrosoftTranslator",
            "https://api.cognitive.microsofttranslator.com/translate?api-version=3.0",
            "/translate?api-version=3.0",
            ("en", "de"),
            10000,
            None,
            8,
            10.0,
            (
                Credential("api_key", "MICROSOFT_API_KEY"),
                Credential("region", "LOCALIZE_MICROSOFT_REGION", required=False),
            ),
        ),
        DeepTranslatorSpec(
            "yandex",
            "yandex",
            "YandexTranslator",
            "https://translate.yandex.net/api/{version}/tr.json/{endpoint}",
            "/api/{version}/tr.json/{endpoint}",
            ("en", "de"),
            10000,
            None,
            4,
            5.0,
            (Credential("api_key", "YANDEX_API_KEY"),),
            _yandex_check,
        ),
        DeepTranslatorSpec(
            "papago",
            "papago",
            "PapagoTranslator",
            "https://openapi.naver.com/v1/papago/n2mt",
            "/v1/papago/n2mt",
            ("en", "ko"),
            5000,
            None,
            4,
            5.0,
            (
                Credential("client_id", "LOCALIZE_PAPAGO_CLIENT_ID"),
                Credential("secret_key", "LOCALIZE_PAPAGO_SECRET_KEY"),
            ),
        ),
        DeepTranslatorSpec(
            "baidu",
            "baidu",
            "BaiduTranslator",
            "https://fanyi-api.baidu.com/api/trans/vip/translate",
            "/api/trans/vip/translate",
            ("en", "zh"),
            2000,
            12000,
            1,
            1.0,
            (Credential("appid", "BAIDU_APPID"), Credential("appkey", "BAIDU_APPKEY")),
            _baidu_check,
        ),
        DeepTranslatorSpec(
            "qcri",
            "qcri",
            "QcriTranslator",
            "https://mt.qcri.org/api/v1/{endpoint}?",
            "/api/v1/{endpoint}?",
            ("en", "ar"),
            5000,
            12000,
            2,
            2.0,
            (Credential("api_key", "QCRI_API_KEY"),),
            call_options=(("domain", "domain", "general-neural"),),
        ),
    )
}

RESULT_ADAPTERS: dict[str, Callable[[object], object]] = {"yandex": _yandex_result}
