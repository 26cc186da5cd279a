# Generated from ui/unlock.ui by packaging/build_forms.py: DO NOT EDIT.
# Change the form in Qt Designer (ui/unlock.ui); make recompiles it when the .ui is newer.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'unlock.ui'
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
from PySide6.QtWidgets import (QApplication, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

from workwell_desktop.gui.widgets import FieldMessage

class Ui_UnlockForm(object):
    def setupUi(self, UnlockForm):
        if not UnlockForm.objectName():
            UnlockForm.setObjectName(u"UnlockForm")
        self.column = QVBoxLayout(UnlockForm)
        self.column.setSpacing(12)
        self.column.setObjectName(u"column")
        self.column.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(UnlockForm)
        self.title.setObjectName(u"title")
        self.title.setWordWrap(True)
        self.title.setProperty(u"title_scale", 1.500000000000000)

        self.column.addWidget(self.title)

        self.explanation = QLabel(UnlockForm)
        self.explanation.setObjectName(u"explanation")
        self.explanation.setTextFormat(Qt.PlainText)
        self.explanation.setWordWrap(True)

        self.column.addWidget(self.explanation)

        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.form.setLabelAlignment(Qt.AlignLeft|Qt.AlignTop)
        self.passphrase_label = QLabel(UnlockForm)
        self.passphrase_label.setObjectName(u"passphrase_label")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.passphrase_label)

        self.cell = QWidget(UnlockForm)
        self.cell.setObjectName(u"cell")
        self.cell_column = QVBoxLayout(self.cell)
        self.cell_column.setObjectName(u"cell_column")
        self.cell_column.setContentsMargins(0, 0, 0, 0)
        self.passphrase = QLineEdit(self.cell)
        self.passphrase.setObjectName(u"passphrase")
        self.passphrase.setMaxLength(200)
        self.passphrase.setEchoMode(QLineEdit.Password)

        self.cell_column.addWidget(self.passphrase)

        self.message = FieldMessage(self.cell)
        self.message.setObjectName(u"message")

        self.cell_column.addWidget(self.message)


        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.cell)


        self.column.addLayout(self.form)

        self.buttons = QHBoxLayout()
        self.buttons.setObjectName(u"buttons")
        self.unlock_button = QPushButton(UnlockForm)
        self.unlock_button.setObjectName(u"unlock_button")
        self.unlock_button.setProperty(u"primary", True)

        self.buttons.addWidget(self.unlock_button)

        self.push_left = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttons.addItem(self.push_left)


        self.column.addLayout(self.buttons)

        self.folder = QLabel(UnlockForm)
        self.folder.setObjectName(u"folder")
        self.folder.setTextFormat(Qt.PlainText)
        self.folder.setWordWrap(True)

        self.column.addWidget(self.folder)

#if QT_CONFIG(shortcut)
        self.passphrase_label.setBuddy(self.passphrase)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(UnlockForm)

        QMetaObject.connectSlotsByName(UnlockForm)
    # setupUi

    def retranslateUi(self, UnlockForm):
        self.title.setText(QCoreApplication.translate("UnlockForm", u"Unlock WorkWell", None))
        self.title.setProperty(u"role", QCoreApplication.translate("UnlockForm", u"title", None))
        self.explanation.setText(QCoreApplication.translate("UnlockForm", u"Enter your passphrase to open the client database on this computer.", None))
        self.passphrase_label.setText(QCoreApplication.translate("UnlockForm", u"&Passphrase", None))
#if QT_CONFIG(accessibility)
        self.passphrase.setAccessibleName(QCoreApplication.translate("UnlockForm", u"Passphrase", None))
#endif // QT_CONFIG(accessibility)
        self.unlock_button.setText(QCoreApplication.translate("UnlockForm", u"&Unlock", None))
#if QT_CONFIG(accessibility)
        self.unlock_button.setAccessibleName(QCoreApplication.translate("UnlockForm", u"Unlock", None))
#endif // QT_CONFIG(accessibility)
        self.folder.setProperty(u"role", QCoreApplication.translate("UnlockForm", u"hint", None))
        pass
    # retranslateUi

