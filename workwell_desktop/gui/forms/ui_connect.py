# Generated from ui/connect.ui by packaging/build_forms.py: DO NOT EDIT.
# Change the form in Qt Designer (ui/connect.ui); make recompiles it when the .ui is newer.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'connect.ui'
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
from PySide6.QtWidgets import (QApplication, QDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSizePolicy,
    QSpacerItem, QVBoxLayout, QWidget)

from workwell_desktop.gui.widgets import FieldMessage

class Ui_RegisterDialog(object):
    def setupUi(self, RegisterDialog):
        if not RegisterDialog.objectName():
            RegisterDialog.setObjectName(u"RegisterDialog")
        self.column = QVBoxLayout(RegisterDialog)
        self.column.setObjectName(u"column")
        self.title = QLabel(RegisterDialog)
        self.title.setObjectName(u"title")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.title.sizePolicy().hasHeightForWidth())
        self.title.setSizePolicy(sizePolicy)
        self.title.setWordWrap(True)
        self.title.setProperty(u"title_scale", 1.300000000000000)

        self.column.addWidget(self.title)

        self.intro = QLabel(RegisterDialog)
        self.intro.setObjectName(u"intro")
        sizePolicy.setHeightForWidth(self.intro.sizePolicy().hasHeightForWidth())
        self.intro.setSizePolicy(sizePolicy)
        self.intro.setWordWrap(True)

        self.column.addWidget(self.intro)

        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.url_label = QLabel(RegisterDialog)
        self.url_label.setObjectName(u"url_label")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.url_label)

        self.url = QLineEdit(RegisterDialog)
        self.url.setObjectName(u"url")
        self.url.setMaxLength(300)

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.url)

        self.username_label = QLabel(RegisterDialog)
        self.username_label.setObjectName(u"username_label")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.username_label)

        self.username = QLineEdit(RegisterDialog)
        self.username.setObjectName(u"username")
        self.username.setMaxLength(100)

        self.form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.username)

        self.password_label = QLabel(RegisterDialog)
        self.password_label.setObjectName(u"password_label")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.password_label)

        self.password = QLineEdit(RegisterDialog)
        self.password.setObjectName(u"password")
        self.password.setMaxLength(500)
        self.password.setEchoMode(QLineEdit.Password)

        self.form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.password)


        self.column.addLayout(self.form)

        self.message = FieldMessage(RegisterDialog)
        self.message.setObjectName(u"message")

        self.column.addWidget(self.message)

        self.room = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.column.addItem(self.room)

        self.buttons = QHBoxLayout()
        self.buttons.setObjectName(u"buttons")
        self.push_right = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttons.addItem(self.push_right)

        self.cancel = QPushButton(RegisterDialog)
        self.cancel.setObjectName(u"cancel")

        self.buttons.addWidget(self.cancel)

        self.connect_button = QPushButton(RegisterDialog)
        self.connect_button.setObjectName(u"connect_button")
        self.connect_button.setProperty(u"primary", True)

        self.buttons.addWidget(self.connect_button)


        self.column.addLayout(self.buttons)

#if QT_CONFIG(shortcut)
        self.url_label.setBuddy(self.url)
        self.username_label.setBuddy(self.username)
        self.password_label.setBuddy(self.password)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.url, self.username)
        QWidget.setTabOrder(self.username, self.password)
        QWidget.setTabOrder(self.password, self.cancel)
        QWidget.setTabOrder(self.cancel, self.connect_button)

        self.retranslateUi(RegisterDialog)

        QMetaObject.connectSlotsByName(RegisterDialog)
    # setupUi

    def retranslateUi(self, RegisterDialog):
        RegisterDialog.setWindowTitle(QCoreApplication.translate("RegisterDialog", u"Connect to the WorkWell server \u2013 WorkWell", None))
#if QT_CONFIG(accessibility)
        RegisterDialog.setAccessibleName(QCoreApplication.translate("RegisterDialog", u"Connect to the WorkWell server", None))
#endif // QT_CONFIG(accessibility)
        self.title.setText(QCoreApplication.translate("RegisterDialog", u"Connect to the WorkWell server", None))
        self.title.setProperty(u"role", QCoreApplication.translate("RegisterDialog", u"title", None))
        self.intro.setText(QCoreApplication.translate("RegisterDialog", u"Sign in once with your WorkWell account. This laptop then syncs your work whenever it is online. Your password is not stored.", None))
        self.intro.setProperty(u"role", QCoreApplication.translate("RegisterDialog", u"hint", None))
        self.url_label.setText(QCoreApplication.translate("RegisterDialog", u"Server &address", None))
#if QT_CONFIG(accessibility)
        self.url.setAccessibleName(QCoreApplication.translate("RegisterDialog", u"Server address", None))
#endif // QT_CONFIG(accessibility)
        self.url.setPlaceholderText(QCoreApplication.translate("RegisterDialog", u"https://workwell.example.nhs.uk", None))
        self.username_label.setText(QCoreApplication.translate("RegisterDialog", u"&Username", None))
#if QT_CONFIG(accessibility)
        self.username.setAccessibleName(QCoreApplication.translate("RegisterDialog", u"Username", None))
#endif // QT_CONFIG(accessibility)
        self.password_label.setText(QCoreApplication.translate("RegisterDialog", u"&Password", None))
#if QT_CONFIG(accessibility)
        self.password.setAccessibleName(QCoreApplication.translate("RegisterDialog", u"Password", None))
#endif // QT_CONFIG(accessibility)
        self.cancel.setText(QCoreApplication.translate("RegisterDialog", u"Cancel", None))
#if QT_CONFIG(accessibility)
        self.cancel.setAccessibleName(QCoreApplication.translate("RegisterDialog", u"Cancel", None))
#endif // QT_CONFIG(accessibility)
        self.connect_button.setText(QCoreApplication.translate("RegisterDialog", u"&Connect", None))
#if QT_CONFIG(accessibility)
        self.connect_button.setAccessibleName(QCoreApplication.translate("RegisterDialog", u"Connect", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

