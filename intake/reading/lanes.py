"""The readers' queue: every document's text first, OCR after it, long scans in turns.

Three lanes, each first come first served; a reader takes from the first lane that has work:
- TEXT: a document's first read, its text layers only (OCR deferred: extractors.ocr.deferred) —
  a text PDF, a DOCX or a text file is then read completely, in about a second;
- OCR: photos (nothing to read before OCR) and scans of a page or two;
- LONG_OCR: scans with more pages than that waiting for OCR.
One reader only ever takes TEXT (DocumentReader's text reader), so a text PDF uploaded beside two
photos is read, and the pre-check answers from it, within a second, even when the other readers have
already started on the photos (a browser sends each file in its own request, so the photos may
arrive first). A long scan is OCRed in slices
(readers.OCR_SLICE_SECONDS of pages per read, continuing from the OCR cache), each time going back
behind the documents waiting: a 20-page report holds one reader for a slice at most, never the
documents uploaded with it or after it. (A steady stream of short documents would keep a long
scan waiting; a service that busy needs more readers — docs/scaling.md.)

    q = ReadQueue(); q.put((doc_id, OCR)); q.put(doc_id)   # a plain id goes in the TEXT lane
    doc_id = q.get(); q.lane_of(doc_id)  -> TEXT | OCR | LONG_OCR
"""

from __future__ import annotations

import heapq
import itertools
import queue

STOP, TEXT, OCR, LONG_OCR = -1, 0, 1, 2  # a None (stop the reader) goes before everything
SHORT_PAGES = 2  # pages waiting for OCR that still count as a short document


def ocr_lane(pages_waiting: int) -> int:
    return OCR if pages_waiting <= SHORT_PAGES else LONG_OCR


class ReadQueue(queue.Queue):
    def _init(self, maxsize: int) -> None:
        self._heap: list[tuple[int, int, int | None]] = []
        self._order = itertools.count()
        self._lanes: dict[int, int] = {}

    def _qsize(self) -> int:
        return len(self._heap)

    def _put(self, item) -> None:
        doc_id, lane = item if isinstance(item, tuple) else (item, TEXT)
        if doc_id is None:
            lane = STOP
        else:
            self._lanes[doc_id] = lane
        heapq.heappush(self._heap, (lane, next(self._order), doc_id))

    def _get(self):
        return heapq.heappop(self._heap)[2]

    def get_text(self) -> int | None:
        """Like get(), for the reader that only reads text: waits for an item of the TEXT lane (or
        a stop). A wake-up for an OCR item is passed on to the other readers."""
        with self.not_empty:
            while not (self._heap and self._heap[0][0] <= TEXT):
                if self._heap:
                    self.not_empty.notify()
                self.not_empty.wait(1.0)
            item = self._get()
            self.not_full.notify()
            return item

    def lane_of(self, doc_id: int) -> int:
        """The lane a document was last put in (TEXT when it never was)."""
        with self.mutex:
            return self._lanes.pop(doc_id, TEXT)
