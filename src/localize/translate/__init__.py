"""Machine translation at batch scale: TM first, then cache, then engines (SPEC sections 5-7)."""

from localize.translate.report import EngineLocaleReport, Failure, TranslateReport
from localize.translate.run import translate_project

__all__ = ["EngineLocaleReport", "Failure", "TranslateReport", "translate_project"]
