# Generated from ui/setup.ui by packaging/build_forms.py: DO NOT EDIT.
# Change the form in Qt Designer (ui/setup.ui); make recompiles it when the .ui is newer.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'setup.ui'
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
from PySide6.QtWidgets import (QApplication, QCheckBox, QFormLayout, QHBoxLayout,
    QLabel, QPushButton, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_SetupForm(object):
    def setupUi(self, SetupForm):
        if not SetupForm.objectName():
            SetupForm.setObjectName(u"SetupForm")
        self.form_step = QWidget(SetupForm)
        self.form_step.setObjectName(u"form_step")
        self.form_column = QVBoxLayout(self.form_step)
        self.form_column.setSpacing(12)
        self.form_column.setObjectName(u"form_column")
        self.form_column.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.form_step)
        self.title.setObjectName(u"title")
        self.title.setWordWrap(True)
        self.title.setProperty(u"title_scale", 1.500000000000000)

        self.form_column.addWidget(self.title)

        self.intro = QLabel(self.form_step)
        self.intro.setObjectName(u"intro")
        self.intro.setTextFormat(Qt.PlainText)
        self.intro.setWordWrap(True)

        self.form_column.addWidget(self.intro)

        self.summary_place = QVBoxLayout()
        self.summary_place.setSpacing(0)
        self.summary_place.setObjectName(u"summary_place")

        self.form_column.addLayout(self.summary_place)

        self.fields = QFormLayout()
        self.fields.setObjectName(u"fields")
        self.fields.setLabelAlignment(Qt.AlignLeft|Qt.AlignTop)
        self.fields.setRowWrapPolicy(QFormLayout.DontWrapRows)
        self.fields.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        self.show_secret = QCheckBox(self.form_step)
        self.show_secret.setObjectName(u"show_secret")

        self.fields.setWidget(0, QFormLayout.ItemRole.FieldRole, self.show_secret)


        self.form_column.addLayout(self.fields)

        self.warning = QLabel(self.form_step)
        self.warning.setObjectName(u"warning")
        self.warning.setTextFormat(Qt.PlainText)
        self.warning.setWordWrap(True)

        self.form_column.addWidget(self.warning)

        self.problem = QLabel(self.form_step)
        self.problem.setObjectName(u"problem")
        self.problem.setVisible(False)
        self.problem.setTextFormat(Qt.PlainText)
        self.problem.setWordWrap(True)

        self.form_column.addWidget(self.problem)

        self.form_buttons = QHBoxLayout()
        self.form_buttons.setObjectName(u"form_buttons")
        self.create_button = QPushButton(self.form_step)
        self.create_button.setObjectName(u"create_button")
        self.create_button.setProperty(u"primary", True)

        self.form_buttons.addWidget(self.create_button)

        self.form_push_left = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.form_buttons.addItem(self.form_push_left)


        self.form_column.addLayout(self.form_buttons)

        self.folder = QLabel(self.form_step)
        self.folder.setObjectName(u"folder")
        self.folder.setTextFormat(Qt.PlainText)
        self.folder.setWordWrap(True)

        self.form_column.addWidget(self.folder)

        self.done_step = QWidget(SetupForm)
        self.done_step.setObjectName(u"done_step")
        self.done_column = QVBoxLayout(self.done_step)
        self.done_column.setSpacing(12)
        self.done_column.setObjectName(u"done_column")
        self.done_column.setContentsMargins(0, 0, 0, 0)
        self.done_title = QLabel(self.done_step)
        self.done_title.setObjectName(u"done_title")
        self.done_title.setWordWrap(True)
        self.done_title.setProperty(u"title_scale", 1.500000000000000)

        self.done_column.addWidget(self.done_title)

        self.done_explanation = QLabel(self.done_step)
        self.done_explanation.setObjectName(u"done_explanation")
        self.done_explanation.setTextFormat(Qt.PlainText)
        self.done_explanation.setWordWrap(True)

        self.done_column.addWidget(self.done_explanation)

        self.key_place = QLabel(self.done_step)
        self.key_place.setObjectName(u"key_place")
        self.key_place.setTextFormat(Qt.PlainText)
        self.key_place.setWordWrap(True)

        self.done_column.addWidget(self.key_place)

        self.key_note = QLabel(self.done_step)
        self.key_note.setObjectName(u"key_note")
        self.key_note.setTextFormat(Qt.PlainText)
        self.key_note.setWordWrap(True)

        self.done_column.addWidget(self.key_note)

        self.done_buttons = QHBoxLayout()
        self.done_buttons.setObjectName(u"done_buttons")
        self.continue_button = QPushButton(self.done_step)
        self.continue_button.setObjectName(u"continue_button")
        self.continue_button.setProperty(u"primary", True)

        self.done_buttons.addWidget(self.continue_button)

        self.done_push_left = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.done_buttons.addItem(self.done_push_left)


        self.done_column.addLayout(self.done_buttons)


        self.retranslateUi(SetupForm)

        QMetaObject.connectSlotsByName(SetupForm)
    # setupUi

    def retranslateUi(self, SetupForm):
        self.title.setText(QCoreApplication.translate("SetupForm", u"Set up WorkWell on this computer", None))
        self.title.setProperty(u"role", QCoreApplication.translate("SetupForm", u"title", None))
        self.intro.setText(QCoreApplication.translate("SetupForm", u"WorkWell keeps client information in an encrypted database on this computer, so you can work without a connection.", None))
        self.show_secret.setText(QCoreApplication.translate("SetupForm", u"S&how passphrase", None))
#if QT_CONFIG(accessibility)
        self.show_secret.setAccessibleName(QCoreApplication.translate("SetupForm", u"Show passphrase", None))
#endif // QT_CONFIG(accessibility)
        self.warning.setProperty(u"role", QCoreApplication.translate("SetupForm", u"warning", None))
        self.problem.setProperty(u"role", QCoreApplication.translate("SetupForm", u"error-summary", None))
        self.create_button.setText(QCoreApplication.translate("SetupForm", u"&Set up WorkWell", None))
#if QT_CONFIG(accessibility)
        self.create_button.setAccessibleName(QCoreApplication.translate("SetupForm", u"Set up WorkWell", None))
#endif // QT_CONFIG(accessibility)
        self.folder.setProperty(u"role", QCoreApplication.translate("SetupForm", u"hint", None))
        self.done_title.setText(QCoreApplication.translate("SetupForm", u"WorkWell is set up", None))
        self.done_title.setProperty(u"role", QCoreApplication.translate("SetupForm", u"title", None))
        self.done_explanation.setText(QCoreApplication.translate("SetupForm", u"Your client database is encrypted and ready on this computer.", None))
#if QT_CONFIG(accessibility)
        self.key_place.setAccessibleName(QCoreApplication.translate("SetupForm", u"Where the database key is kept", None))
#endif // QT_CONFIG(accessibility)
        self.key_place.setProperty(u"role", QCoreApplication.translate("SetupForm", u"inset", None))
        self.key_note.setText(QCoreApplication.translate("SetupForm", u"You will need your passphrase each time you open WorkWell and after it locks itself when you have not used it for a while.", None))
        self.continue_button.setText(QCoreApplication.translate("SetupForm", u"&Open the caseload", None))
#if QT_CONFIG(accessibility)
        self.continue_button.setAccessibleName(QCoreApplication.translate("SetupForm", u"Open the caseload", None))
#endif // QT_CONFIG(accessibility)
        pass
    # retranslateUi

