"""The OCR engines behind extractors/ocr.py, behind one small interface.

    backend = load("rapidocr", settings)     # or "rapidocr-onnxruntime" (the older release)
    crops, quads = backend.detect(bgr)       # text-line crops, and their corners in the image's pixels
    crops = backend.upright(crops)           # per-line 0/180° classifier (only when use_cls)
    [(text, score), …] = backend.read(crops)
    backend.loaded() -> True                 # the models are in memory once the backend is built

Both ship their models inside the wheel and run offline on onnxruntime. `rapidocr` (3.x)
carries PP-OCRv6 det/rec "small"; its models are named by path, never by a model key, so
the package can never reach for a download. `rapidocr-onnxruntime` 1.4.4 (PP-OCRv4) stays
selectable (`engine:` in ocr.yaml) for the side-by-side figures in docs/ocr.md.
"""

from __future__ import annotations

import importlib.util
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["ENGINES", "load", "installed", "engine_version"]

# engine name (as in ocr.yaml and on PyPI) -> the module it is imported as
ENGINES = {"rapidocr": "rapidocr", "rapidocr-onnxruntime": "rapidocr_onnxruntime"}
V3_MODELS = {
    "Det.model_path": "PP-OCRv6_det_small.onnx",
    "Rec.model_path": "PP-OCRv6_rec_small.onnx",
    "Cls.model_path": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


def installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(ENGINES[name]) is not None
    except (KeyError, ImportError, ValueError):
        return False


def engine_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def load(name: str, settings) -> Any:
    if name == "rapidocr":
        return RapidOcr3(settings)
    if name == "rapidocr-onnxruntime":
        return RapidOcrOnnxruntime(settings)
    raise ValueError(f"unknown OCR engine {name!r} (known: {', '.join(ENGINES)})")


class RapidOcr3:
    """rapidocr 3.x with the PP-OCRv6 models its wheel ships."""

    def __init__(self, settings) -> None:
        import rapidocr
        from rapidocr import RapidOCR

        models = Path(rapidocr.__file__).parent / "models"
        params: dict[str, Any] = {key: str(models / file) for key, file in V3_MODELS.items()}
        params.update(
            {
                "Global.log_level": "warning",
                "Global.max_side_len": settings.max_side_len,
                "Det.limit_side_len": settings.det_limit_side_len,
                "Det.limit_type": settings.det_limit_type,
                "Det.unclip_ratio": settings.det_unclip_ratio,
                "Rec.rec_batch_num": settings.rec_batch,
            }
        )
        if settings.threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = settings.threads
            params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        self.eng = RapidOCR(params=params)
        # 3.x creates its onnxruntime sessions on first use: load them now, so that a process that
        # builds the engine (the readers' fork server) hands loaded models to every worker it forks
        self.eng._load_det_model()
        self.eng._load_rec_model()
        if settings.use_cls:
            self.eng._load_cls_model()

    def loaded(self) -> bool:
        """The models are in memory (a worker forked now would not load them again)."""
        return self.eng.text_det is not None and self.eng.text_rec is not None

    def detect(self, bgr):
        from rapidocr.main import RapidOCRError
        from rapidocr.utils.process_img import map_boxes_to_original

        raw_h, raw_w = bgr.shape[:2]
        img, op = self.eng.preprocess_img(bgr)
        try:
            crops, det = self.eng.detect_and_crop(img, op)
        except RapidOCRError:  # nothing detected
            return [], []
        if det.boxes is None or len(det.boxes) == 0:
            return [], []
        quads = map_boxes_to_original(det.boxes.astype("float32"), op, raw_h, raw_w)
        return crops, list(quads)

    def upright(self, crops):
        return self.eng.cls_and_rotate(crops)[0]

    def read(self, crops) -> list[tuple[str, float]]:
        from rapidocr.main import RapidOCRError

        try:
            out = self.eng.recognize_txt(crops)
        except RapidOCRError:
            return [("", 0.0)] * len(crops)
        return [(t, float(s)) for t, s in zip(out.txts, out.scores)]


class RapidOcrOnnxruntime:
    """rapidocr-onnxruntime 1.4.4 (PP-OCRv4 models in the wheel)."""

    def __init__(self, settings) -> None:
        from rapidocr_onnxruntime import RapidOCR

        kw: dict[str, Any] = dict(
            max_side_len=settings.max_side_len,
            det_limit_side_len=settings.det_limit_side_len,
            det_limit_type=settings.det_limit_type,
            det_unclip_ratio=settings.det_unclip_ratio,
        )
        if settings.threads:
            kw["intra_op_num_threads"] = settings.threads
        self.eng = RapidOCR(**kw)
        if settings.det_limit_type == "max":
            self._cap_detector(settings.det_limit_side_len)

    def loaded(self) -> bool:
        return True  # 1.4.4 creates its sessions in the constructor

    def _cap_detector(self, side: int) -> None:
        """Make "max" mean max: 1.4.4 ignores limit_side_len in that mode (it picks
        960/1500/2000 by image size), so the detector would run on the full 2000 px page."""
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

        det = self.eng.text_det
        det.get_preprocess = lambda max_wh: DetPreProcess(side, "max", det.mean, det.std)

    def detect(self, bgr):
        eng = self.eng
        raw_h, raw_w = bgr.shape[:2]
        img, ratio_h, ratio_w = eng.preprocess(bgr)
        op: dict[str, Any] = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
        img, op = eng.maybe_add_letterbox(img, op)
        dt_boxes, _ = eng.auto_text_det(img)
        if dt_boxes is None or len(dt_boxes) == 0:
            return [], []
        crops = eng.get_crop_img_list(img, dt_boxes)
        return crops, list(eng._get_origin_points(dt_boxes, op, raw_h, raw_w))

    def upright(self, crops):
        return self.eng.text_cls(crops)[0]

    def read(self, crops) -> list[tuple[str, float]]:
        part, _ = self.eng.text_rec(crops, False)
        return [(text, float(score)) for text, score, *_rest in part]
