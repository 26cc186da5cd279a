"""A small line chart of one measure over time, painted with QPainter (QtCharts is not
part of PySide6-Essentials). Its accessible description reads the values out."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...domain.assessments import MeasureTrend, number_text, timepoint_label
from .. import dates
from ..style import NHS_BLUE, SECONDARY_TEXT, TEXT

SHORT_TIMEPOINTS = {"baseline": "Baseline", "review": "Review", "discharge": "Discharge"}


def short_timepoint(code: str) -> str:
    if code in SHORT_TIMEPOINTS:
        return SHORT_TIMEPOINTS[code]
    if code.startswith("follow_up_") and code.endswith("m"):
        return f"+{code[len('follow_up_') : -1]}m"
    return code[:6]


class TrendChart(QWidget):
    def __init__(self, trend: MeasureTrend | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.trend: MeasureTrend | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if trend is not None:
            self.set_trend(trend)

    def set_trend(self, trend: MeasureTrend) -> None:
        self.trend = trend
        self.setAccessibleName(f"{trend.name} chart")
        points = "; ".join(
            f"{timepoint_label(p.timepoint)} {dates.for_reading(p.completed_on)}: {number_text(p.value)}"
            for p in trend.points
        )
        self.setAccessibleDescription(f"{trend.name} over time. {points or 'No scores yet.'}")
        self.setToolTip(self.accessibleDescription())
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        line = self.fontMetrics().height()
        return QSize(self.fontMetrics().averageCharWidth() * 36, line * 6 + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.fontMetrics().averageCharWidth() * 24, self.sizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802
        if self.trend is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.85)
        painter.setFont(small)
        metrics = painter.fontMetrics()
        trend = self.trend
        low, high = float(trend.lowest), float(trend.highest)
        values = [p.value for p in trend.points]
        if values:
            low, high = min(low, *values), max(high, *values)
        if high <= low:
            high = low + 1
        left = metrics.horizontalAdvance(number_text(high)) + 8
        top, bottom = metrics.height() // 2 + 2, metrics.height() + 6
        plot = QRectF(left, top, self.width() - left - 12, self.height() - top - bottom)

        # Axis labels and the scale's ends as faint lines.
        painter.setPen(QColor(SECONDARY_TEXT))
        for value in (low, high):
            y = plot.bottom() - (value - low) / (high - low) * plot.height()
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, left - 4, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                number_text(value),
            )
            painter.setPen(QPen(QColor("#D8DDE0"), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(SECONDARY_TEXT))
        if not values:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No scores yet")
            painter.end()
            return

        # Keep the first and last points clear of the axis labels and the edge.
        inset = max(metrics.horizontalAdvance("Discharge") / 2, 12)
        plot.adjust(inset, 0, -inset + 12, 0)
        count = len(values)
        step = plot.width() / max(count - 1, 1)
        xs = [plot.left() + (i * step if count > 1 else plot.width() / 2) for i in range(count)]
        ys = [plot.bottom() - (v - low) / (high - low) * plot.height() for v in values]
        path = QPainterPath(QPointF(xs[0], ys[0]))
        for x, y in zip(xs[1:], ys[1:], strict=True):
            path.lineTo(x, y)
        painter.setPen(QPen(QColor(NHS_BLUE), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(QColor(NHS_BLUE))
        label_height = metrics.height()
        for index, (x, y, point) in enumerate(zip(xs, ys, trend.points, strict=True)):
            painter.setPen(QPen(QColor("#FFFFFF"), 1.5))
            painter.drawEllipse(QPointF(x, y), 4, 4)
            painter.setPen(QColor(TEXT))
            text = number_text(point.value)
            width = metrics.horizontalAdvance(text) + 4
            above = y - label_height - 4 >= 0
            box_x = min(max(x - width / 2, 0), self.width() - width)
            painter.drawText(
                QRectF(box_x, y - label_height - 4 if above else y + 4, width, label_height),
                Qt.AlignmentFlag.AlignCenter,
                text,
            )
            tick = short_timepoint(point.timepoint)
            tick_width = metrics.horizontalAdvance(tick) + 4
            if count == 1 or index in (0, count - 1) or step > tick_width + 4:
                tick_x = min(max(x - tick_width / 2, 0), self.width() - tick_width)
                painter.setPen(QColor(SECONDARY_TEXT))
                painter.drawText(
                    QRectF(tick_x, plot.bottom() + 4, tick_width, label_height),
                    Qt.AlignmentFlag.AlignCenter,
                    tick,
                )
        painter.end()
