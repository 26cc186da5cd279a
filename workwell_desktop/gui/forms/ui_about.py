# Generated from ui/about.ui by packaging/build_forms.py: DO NOT EDIT.
# Change the form in Qt Designer (ui/about.ui); make recompiles it when the .ui is newer.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'about.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QFormLayout, QLabel, QSizePolicy, QVBoxLayout,
    QWidget)

class Ui_AboutDialog(object):
    def setupUi(self, AboutDialog):
        if not AboutDialog.objectName():
            AboutDialog.setObjectName(u"AboutDialog")
        self.column = QVBoxLayout(AboutDialog)
        self.column.setObjectName(u"column")
        self.column.setContentsMargins(20, 16, 20, 16)
        self.title = QLabel(AboutDialog)
        self.title.setObjectName(u"title")
        self.title.setWordWrap(True)
        self.title.setProperty(u"title_scale", 1.300000000000000)

        self.column.addWidget(self.title)

        self.intro = QLabel(AboutDialog)
        self.intro.setObjectName(u"intro")
        self.intro.setTextFormat(Qt.PlainText)
        self.intro.setWordWrap(True)

        self.column.addWidget(self.intro)

        self.facts = QFormLayout()
        self.facts.setObjectName(u"facts")

        self.column.addLayout(self.facts)

        self.buttons = QDialogButtonBox(AboutDialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.Close)

        self.column.addWidget(self.buttons)


        self.retranslateUi(AboutDialog)

        QMetaObject.connectSlotsByName(AboutDialog)
    # setupUi

    def retranslateUi(self, AboutDialog):
        AboutDialog.setWindowTitle(QCoreApplication.translate("AboutDialog", u"About WorkWell", None))
#if QT_CONFIG(accessibility)
        AboutDialog.setAccessibleName(QCoreApplication.translate("AboutDialog", u"About WorkWell", None))
#endif // QT_CONFIG(accessibility)
        self.title.setText(QCoreApplication.translate("AboutDialog", u"WorkWell Desktop", None))
        self.title.setProperty(u"role", QCoreApplication.translate("AboutDialog", u"title", None))
        self.intro.setText(QCoreApplication.translate("AboutDialog", u"For NHS WorkWell work and health coaches. Works offline; client information is kept in an encrypted database on this computer.", None))
    # retranslateUi

