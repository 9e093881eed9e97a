"""TBX 2008 / 2019 glossaries and the XML security rules of SPEC section 9."""

from __future__ import annotations

import codecs
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from localize.errors import InputError
from localize.glossary import load_glossary
from localize.glossary.xmlsafe import parse_xml_bytes, safe_xml_parser
from localize.locales import parse_locale

DATA = Path(__file__).parent / "data" / "glossary"
TOOLS = DATA / "tools"
ZH_TW = parse_locale("zh-Hant-TW")
EN, JA, ZH_CN = parse_locale("en"), parse_locale("ja-JP"), parse_locale("zh-Hans")

TBX_BODY = """<martif type="TBX-Basic" xml:lang="zh-TW"><text><body>
<termEntry><langSet xml:lang="zh-TW"><tig><term>{term}</term></tig></langSet>
<langSet xml:lang="en"><tig><term>open model</term></tig></langSet></termEntry>
</body></text></martif>"""


def _load(path: Path, source=ZH_TW):
    return load_glossary([path], source, root=path.parent)


def test_tbx_2008_basic_keep_targets_and_forbidden() -> None:
    glossary = _load(DATA / "basic-2008.tbx")
    gemma = glossary.get("Gemma 4")
    assert gemma is not None and gemma.keep
    assert gemma.target_for(JA) == "Gemma 4"
    assert "never translated" in gemma.note
    open_model = glossary.get("開放模型")
    assert open_model is not None and not open_model.keep
    assert (
        open_model.target_for(parse_locale("en-GB")) == "open model"
    )  # preferred before deprecated
    assert open_model.forbidden_for(EN) == ("open-source model",)
    assert open_model.target_for(JA) == "オープンモデル"  # ntig/termGrp, langSet ja-JP
    assert open_model.target_for(ZH_CN) == "开放模型"  # zh-CN serves zh-Hans
    assert open_model.origin == "basic-2008.tbx:24"


def test_tbx_2019_basic_namespaced() -> None:
    glossary = _load(DATA / "basic-2019.tbx")
    on_device = glossary.get("裝置端")
    assert on_device is not None
    assert on_device.target_for(EN) == "on-device"
    assert on_device.forbidden_for(EN) == ("device-side",)
    assert on_device.target_for(ZH_CN) == "端侧"
    aicore = glossary.get("Android AICore")
    assert aicore is not None and aicore.keep


def test_tbx_2019_core_dct_status_element() -> None:
    glossary = _load(DATA / "core-2019.tbx")
    weights = glossary.get("權重")
    assert weights is not None
    assert weights.target_for(EN) == "weights"
    assert weights.forbidden_for(EN) == ("weightings",)
    assert weights.target_for(parse_locale("fr")) is None
    assert glossary.get("Apache 2.0").keep


def test_source_locale_matches_by_language_and_script() -> None:
    """zh-Hant source: zh-TW / zh-Hant-TW / zh-Hant sections are the source, zh-Hans is a target."""
    glossary = load_glossary([DATA / "basic-2019.tbx"], parse_locale("zh-Hant"))
    assert glossary.get("裝置端") is not None
    simplified = load_glossary([DATA / "basic-2019.tbx"], parse_locale("zh-Hans"))
    assert [t.source for t in simplified.terms] == ["端侧"]
    assert simplified.terms[0].target_for(EN) == "on-device"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("<martif><text><body><termEntry>", "malformed XML"),
        ("<glossary/>", "not a TBX document"),
        (
            "<tbx><text><body><conceptEntry>\n<langSec><termSec><term>x</term></termSec></langSec>"
            "</conceptEntry></body></text></tbx>",
            "without xml:lang",
        ),
        (
            "<tbx><text><body><conceptEntry>\n<langSec xml:lang='qq-zz'/>"
            "</conceptEntry></body></text></tbx>",
            "unknown xml:lang",
        ),
    ],
)
def test_malformed_tbx_names_file_and_line(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.tbx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _load(path)
    assert needle in caught.value.message
    assert caught.value.file == "bad.tbx"
    assert caught.value.line is not None and caught.value.line >= 1


# --- exports of real tools (issue 11, point 8) ------------------------------------------


def test_weblate_export_with_empty_terms_loads_every_usable_entry() -> None:
    glossary = _load(TOOLS / "weblate-export.tbx", parse_locale("en"))
    zh = parse_locale("zh-Hant-TW")
    assert [t.source for t in glossary.terms] == [
        "pull request", "repository", "commit", "fork", "GitHub",
    ]
    assert glossary.get("pull request").target_for(zh) == "拉取請求"
    assert glossary.get("pull request").note == "GitHub wording"  # Weblate's <note>
    assert glossary.get("repository").target_for(zh) is None  # untranslated: no target, kept
    assert glossary.get("fork").target_for(zh) is None  # a blank <term> is empty too
    assert glossary.get("GitHub").keep
    assert glossary.warnings == (
        "weblate-export.tbx:18: warning: empty <term> for zh-Hant skipped (no rendering there)",
        "weblate-export.tbx:24: warning: entry without a usable en term skipped",
        "weblate-export.tbx:30: warning: empty <term> for zh-Hant skipped (no rendering there)",
    )


def test_term_holder_without_term_is_skipped_too(tmp_path: Path) -> None:
    path = tmp_path / "holder.tbx"
    path.write_text(
        "<tbx><text><body><conceptEntry>\n<langSec xml:lang='zh-TW'><termSec><term>權重"
        "</term></termSec></langSec>\n<langSec xml:lang='en'><termSec/>\n<termSec><term>weights"
        "</term></termSec></langSec></conceptEntry></body></text></tbx>",
        encoding="utf-8",
    )
    glossary = _load(path)
    assert glossary.get("權重").target_for(EN) == "weights"
    assert glossary.warnings == (
        "holder.tbx:3: warning: <termSec> without <term> for en skipped (no rendering there)",
    )


def test_statuses_preferred_before_admitted_and_deprecated_obsolete_forbidden() -> None:
    glossary = _load(TOOLS / "statuses-2019.tbx", parse_locale("en"))
    zh = parse_locale("zh-Hant-TW")
    refresh = glossary.get("refresh")
    assert refresh.target_for(zh) == "重新整理"  # preferred, although listed last
    assert refresh.targets_for(zh) == ("重新整理", "重新載入")  # admitted: accepted by QA
    assert refresh.forbidden_for(zh) == ("刷新",)
    file = glossary.get("file")  # usageStatus, as other tools write it
    assert file.targets_for(zh) == ("檔案",)
    assert file.forbidden_for(zh) == ("文件", "檔")  # obsolete, notRecommended
    server = glossary.get("server")
    assert server.targets_for(zh) == ("伺服器",)  # unmarked
    assert server.forbidden_for(zh) == ("服务器",)  # normativeAuthorization deprecatedTerm
    assert glossary.get("host") is None  # a superseded source term is not a source term
    assert glossary.warnings == ()


def test_forbidden_renderings_reach_qa_as_warnings() -> None:
    from localize.qa.checks import check_translation

    glossary = _load(TOOLS / "statuses-2019.tbx", parse_locale("en"))
    zh = parse_locale("zh-Hant-TW")

    def checks(source: str, translation: str) -> set[str]:
        return {f[1] for f in check_translation(source, translation, "markdown", zh, glossary)}

    assert checks("Save the file.", "儲存檔案。") == set()
    assert checks("Save the file.", "儲存文件。") == {"glossary", "forbidden-terms"}
    assert checks("Click refresh.", "按重新載入。") == set()  # admitted is fine
    assert checks("Click refresh.", "按刷新。") == {"glossary", "forbidden-terms"}



def test_forbidden_rendering_longer_than_the_approved_one_is_still_found() -> None:
    from localize.glossary import Glossary, Term
    from localize.qa.checks import check_translation

    glossary = Glossary([Term("模型", targets={"en": "model"}, forbidden={"en": ("model family",)})])
    findings = check_translation("這個模型。", "This model family.", "markdown", EN, glossary)
    assert [f[1] for f in findings] == ["forbidden-terms"]
    assert check_translation("這個模型。", "This model.", "markdown", EN, glossary) == []


def test_admitted_only_section_still_gives_a_target(tmp_path: Path) -> None:
    path = tmp_path / "admitted.tbx"
    path.write_text(
        "<martif><text><body><termEntry>\n<langSet xml:lang='zh-TW'><tig><term>量化</term></tig>"
        "</langSet>\n<langSet xml:lang='en'><tig><term>quantisation</term><termNote "
        "type='administrativeStatus'>admittedTerm-admn-sts</termNote></tig><tig><term>quantization"
        "</term></tig></langSet></termEntry></body></text></martif>",
        encoding="utf-8",
    )
    term = _load(path).get("量化")
    assert term.targets_for(EN) == ("quantization", "quantisation")  # unmarked before admitted


# --- security ---------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP socket on 127.0.0.1 that records whether anyone tried to connect."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def _connection_attempted(server: socket.socket) -> bool:
    readable, _, _ = select.select([server], [], [], 0.3)
    return bool(readable)


def test_external_entity_to_local_file_is_rejected(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    doc = (
        '<?xml version="1.0"?>\n<!DOCTYPE martif [\n'
        f'  <!ENTITY xxe SYSTEM "{secret.as_uri()}">\n]>\n' + TBX_BODY.format(term="&xxe;")
    )
    path = tmp_path / "xxe.tbx"
    path.write_text(doc, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _load(path)
    assert (caught.value.file, caught.value.line) == ("xxe.tbx", 3)
    assert "entity" in caught.value.message
    assert caught.value.exit_code == 2
    assert "TOP-SECRET" not in str(caught.value)
    # second line of defence: the parser itself never expands it either
    root = etree.fromstring(doc.encode(), safe_xml_parser())
    assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")
    assert "TOP-SECRET" not in "".join(root.itertext())


def test_billion_laughs_is_rejected_quickly(tmp_path: Path) -> None:
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    doc = "<?xml version='1.0'?>\n<!DOCTYPE martif [\n" + "\n".join(lines) + "\n]>\n"
    path = tmp_path / "laughs.tbx"
    path.write_text(doc + TBX_BODY.format(term="&lol9;"), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        _load(path)
    assert time.monotonic() - started < 2
    assert caught.value.line == 3


def test_parameter_entity_is_rejected_without_connecting(tmp_path: Path, listener) -> None:
    port = listener.getsockname()[1]
    doc = (
        "<?xml version='1.0'?>\n<!DOCTYPE martif [\n"
        f'<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/evil.dtd">\n%remote;\n]>\n'
        + TBX_BODY.format(term="開放模型")
    )
    path = tmp_path / "param.tbx"
    path.write_text(doc, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _load(path)
    assert caught.value.line == 3
    assert not _connection_attempted(listener)


def test_external_dtd_is_ignored_and_never_fetched(tmp_path: Path, listener) -> None:
    port = listener.getsockname()[1]
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "http://127.0.0.1:{port}/tbx.dtd">\n'
        + TBX_BODY.format(term="開放模型")
    )
    path = tmp_path / "dtd.tbx"
    path.write_text(doc, encoding="utf-8")
    glossary = _load(path)
    assert glossary.get("開放模型").target_for(EN) == "open model"
    assert not _connection_attempted(listener)


def test_reference_to_entity_of_unloaded_dtd_is_rejected(tmp_path: Path) -> None:
    dtd = tmp_path / "terms.dtd"
    dtd.write_text('<!ENTITY leak "LEAKED-FROM-DTD">', encoding="utf-8")
    doc = f'<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "{dtd.as_uri()}">\n' + TBX_BODY.format(
        term="&leak;"
    )
    path = tmp_path / "ref.tbx"
    path.write_text(doc, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _load(path)
    assert "&leak;" in caught.value.message
    assert "LEAKED" not in str(caught.value)


def test_entity_declaration_in_utf16_document_is_rejected() -> None:
    doc = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a [\n<!ENTITY e "x">\n]>\n<a>&e;</a>'
    data = codecs.BOM_UTF16_LE + doc.encode("utf-16-le")
    with pytest.raises(InputError) as caught:
        parse_xml_bytes(data, "u16.tbx")
    assert (caught.value.file, caught.value.line) == ("u16.tbx", 3)


def test_listener_does_see_a_real_connection(listener) -> None:
    """Guards the two tests above: the probe is able to notice a connection."""
    with socket.create_connection(listener.getsockname(), timeout=2):
        assert _connection_attempted(listener)


def test_tbx_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.tbx"
    path.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<tbx><text><body>\n<conceptEntry>'
        b"<langSec xml:lang='en'><termSec><term>caf\xe9</term></termSec></langSec>"
        b"</conceptEntry></body></text></tbx>"
    )
    with pytest.raises(InputError) as caught:
        _load(path)
    assert (caught.value.file, caught.value.line) == ("latin1.tbx", 3)


def test_entity_declaration_hidden_from_byte_scan_is_still_rejected() -> None:
    """UTF-16 without a BOM slips past the byte scan; the parsed DTD check still refuses it."""
    doc = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a [\n<!ENTITY e "x">\n]>\n<a>&e;</a>'
    with pytest.raises(InputError, match="entity"):
        parse_xml_bytes(doc.encode("utf-16-le"), "nobom.tbx")
