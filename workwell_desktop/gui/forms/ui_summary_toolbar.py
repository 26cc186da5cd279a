# Generated from ui/summary_toolbar.ui by packaging/build_forms.py: DO NOT EDIT.
# Change the form in Qt Designer (ui/summary_toolbar.ui); make recompiles it when the .ui is newer.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'summary_toolbar.ui'
##
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLabel,
    QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_SummaryToolbar(object):
    def setupUi(self, SummaryToolbar):
        if not SummaryToolbar.objectName():
            SummaryToolbar.setObjectName(u"SummaryToolbar")
        self.column = QVBoxLayout(SummaryToolbar)
        self.column.setObjectName(u"column")
        self.column.setContentsMargins(0, 0, 0, 0)
        self.pickers = QHBoxLayout()
        self.pickers.setObjectName(u"pickers")
        self.week_label = QLabel(SummaryToolbar)
        self.week_label.setObjectName(u"week_label")

        self.pickers.addWidget(self.week_label)

        self.week_box = QComboBox(SummaryToolbar)
        self.week_box.setObjectName(u"week_box")

        self.pickers.addWidget(self.week_box)

        self.scope_label = QLabel(SummaryToolbar)
        self.scope_label.setObjectName(u"scope_label")

        self.pickers.addWidget(self.scope_label)

        self.scope_box = QComboBox(SummaryToolbar)
        self.scope_box.setObjectName(u"scope_box")

        self.pickers.addWidget(self.scope_box)

        self.pickers.setStretch(1, 1)
        self.pickers.setStretch(3, 1)

        self.column.addLayout(self.pickers)

        self.team_row = QHBoxLayout()
        self.team_row.setObjectName(u"team_row")
        self.team_label = QLabel(SummaryToolbar)
        self.team_label.setObjectName(u"team_label")

        self.team_row.addWidget(self.team_label)

        self.team_pdf = QPushButton(SummaryToolbar)
        self.team_pdf.setObjectName(u"team_pdf")

        self.team_row.addWidget(self.team_pdf)

        self.team_csv = QPushButton(SummaryToolbar)
        self.team_csv.setObjectName(u"team_csv")

        self.team_row.addWidget(self.team_csv)

        self.team_xlsx = QPushButton(SummaryToolbar)
        self.team_xlsx.setObjectName(u"team_xlsx")

        self.team_row.addWidget(self.team_xlsx)

        self.team_room = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.team_row.addItem(self.team_room)


        self.column.addLayout(self.team_row)

        self.publication_row = QHBoxLayout()
        self.publication_row.setObjectName(u"publication_row")
        self.publication_label = QLabel(SummaryToolbar)
        self.publication_label.setObjectName(u"publication_label")

        self.publication_row.addWidget(self.publication_label)

        self.publication_pdf = QPushButton(SummaryToolbar)
        self.publication_pdf.setObjectName(u"publication_pdf")

        self.publication_row.addWidget(self.publication_pdf)

        self.publication_csv = QPushButton(SummaryToolbar)
        self.publication_csv.setObjectName(u"publication_csv")

        self.publication_row.addWidget(self.publication_csv)

        self.publication_xlsx = QPushButton(SummaryToolbar)
        self.publication_xlsx.setObjectName(u"publication_xlsx")

        self.publication_row.addWidget(self.publication_xlsx)

        self.publication_room = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.publication_row.addItem(self.publication_room)


        self.column.addLayout(self.publication_row)

#if QT_CONFIG(shortcut)
        self.week_label.setBuddy(self.week_box)
        self.scope_label.setBuddy(self.scope_box)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(SummaryToolbar)

        QMetaObject.connectSlotsByName(SummaryToolbar)
    # setupUi

    def retranslateUi(self, SummaryToolbar):
        self.week_label.setText(QCoreApplication.translate("SummaryToolbar", u"&Week:", None))
#if QT_CONFIG(accessibility)
        self.week_box.setAccessibleName(QCoreApplication.translate("SummaryToolbar", u"Week", None))
#endif // QT_CONFIG(accessibility)
        self.scope_label.setText(QCoreApplication.translate("SummaryToolbar", u"&Show:", None))
#if QT_CONFIG(accessibility)
        self.scope_box.setAccessibleName(QCoreApplication.translate("SummaryToolbar", u"Coach or whole service", None))
#endif // QT_CONFIG(accessibility)
        self.team_label.setText(QCoreApplication.translate("SummaryToolbar", u"Team file:", None))
        self.team_pdf.setText(QCoreApplication.translate("SummaryToolbar", u"PDF\u2026", None))
#if QT_CONFIG(accessibility)
        self.team_pdf.setAccessibleName(QCoreApplication.translate("SummaryToolbar", u"Export the team file as PDF", None))
#endif // QT_CONFIG(accessibility)
        self.team_csv.setText(QCoreApplication.translate("SummaryToolbar", u"CSV\u2026", None))
#if QT_CONFIG(accessibility)
        self.team_csv.setAccessibleName(QCoreApplication.translate("SummaryToolbar", u"Export the team file as CSV", None))
#endif // QT_CONFIG(accessibility)
        self.team_xlsx.setText(QCoreApplication.translate("SummaryToolbar", u"XLSX\u2026", None))
#if QT_CONFIG(accessibility)
        self.team_xlsx.setAccessibleName(QCoreApplication.translate("SummaryToolbar", u"Export the team file as XLSX", None))
#endif // QT_CONFIG(accessibility)
        self.publication_label.setText(QCoreApplication.translate("SummaryToolbar", u"Publication for commissioners:", None))
        self.publication_pdf.setText(QCoreApplication.translate("SummaryToolbar", u"PDF\u2026", None))
#if QT_CONFIG(accessibility)
        self.publication_pdf.setAccessibleName(QCoreApplication.translate("SummaryToolbar", u"Export the publication for commissioners as PDF", None))
#endif // QT_CONFIG(accessibility)
        self.publication_csv.setText(QCoreApplication.translate("SummaryToolbar", u"CSV\u2026", None))
#if QT_CONFIG(accessibility)
        self.publication_csv.setAccessibleName(QCoreApplication.translate("SummaryToolbar", u"Export the publication for commissioners as CSV", None))
#endif // QT_CONFIG(accessibility)
        self.publication_xlsx.setText(QCoreApplication.translate("SummaryToolbar", u"XLSX\u2026", None))
#if QT_CONFIG(accessibility)
        self.publication_xlsx.setAccessibleName(QCoreApplication.translate("SummaryToolbar", u"Export the publication for commissioners as XLSX", None))
#endif // QT_CONFIG(accessibility)
        pass
    # retranslateUi

