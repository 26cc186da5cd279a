# Generated from ui/conflicts.ui by packaging/build_forms.py: DO NOT EDIT.
# Change the form in Qt Designer (ui/conflicts.ui); make recompiles it when the .ui is newer.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'conflicts.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialog, QHBoxLayout,
    QHeaderView, QLabel, QPushButton, QSizePolicy,
    QSpacerItem, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget)

class Ui_ConflictsDialog(object):
    def setupUi(self, ConflictsDialog):
        if not ConflictsDialog.objectName():
            ConflictsDialog.setObjectName(u"ConflictsDialog")
        self.column = QVBoxLayout(ConflictsDialog)
        self.column.setObjectName(u"column")
        self.title = QLabel(ConflictsDialog)
        self.title.setObjectName(u"title")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.title.sizePolicy().hasHeightForWidth())
        self.title.setSizePolicy(sizePolicy)
        self.title.setWordWrap(True)
        self.title.setProperty(u"title_scale", 1.300000000000000)

        self.column.addWidget(self.title)

        self.intro = QLabel(ConflictsDialog)
        self.intro.setObjectName(u"intro")
        sizePolicy.setHeightForWidth(self.intro.sizePolicy().hasHeightForWidth())
        self.intro.setSizePolicy(sizePolicy)
        self.intro.setWordWrap(True)

        self.column.addWidget(self.intro)

        self.table = QTableWidget(ConflictsDialog)
        if (self.table.columnCount() < 5):
            self.table.setColumnCount(5)
        __qtablewidgetitem = QTableWidgetItem()
        self.table.setHorizontalHeaderItem(0, __qtablewidgetitem)
        __qtablewidgetitem1 = QTableWidgetItem()
        self.table.setHorizontalHeaderItem(1, __qtablewidgetitem1)
        __qtablewidgetitem2 = QTableWidgetItem()
        self.table.setHorizontalHeaderItem(2, __qtablewidgetitem2)
        __qtablewidgetitem3 = QTableWidgetItem()
        self.table.setHorizontalHeaderItem(3, __qtablewidgetitem3)
        __qtablewidgetitem4 = QTableWidgetItem()
        self.table.setHorizontalHeaderItem(4, __qtablewidgetitem4)
        self.table.setObjectName(u"table")
        self.table.setMinimumSize(QSize(0, 60))
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)

        self.column.addWidget(self.table)

        self.choice_row = QHBoxLayout()
        self.choice_row.setObjectName(u"choice_row")
        self.keep = QPushButton(ConflictsDialog)
        self.keep.setObjectName(u"keep")

        self.choice_row.addWidget(self.keep)

        self.other = QPushButton(ConflictsDialog)
        self.other.setObjectName(u"other")

        self.choice_row.addWidget(self.other)

        self.choice_room = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.choice_row.addItem(self.choice_room)


        self.column.addLayout(self.choice_row)

        self.duplicates_title = QLabel(ConflictsDialog)
        self.duplicates_title.setObjectName(u"duplicates_title")
        sizePolicy.setHeightForWidth(self.duplicates_title.sizePolicy().hasHeightForWidth())
        self.duplicates_title.setSizePolicy(sizePolicy)
        self.duplicates_title.setWordWrap(True)
        self.duplicates_title.setProperty(u"title_scale", 1.150000000000000)

        self.column.addWidget(self.duplicates_title)

        self.duplicates_intro = QLabel(ConflictsDialog)
        self.duplicates_intro.setObjectName(u"duplicates_intro")
        sizePolicy.setHeightForWidth(self.duplicates_intro.sizePolicy().hasHeightForWidth())
        self.duplicates_intro.setSizePolicy(sizePolicy)
        self.duplicates_intro.setWordWrap(True)

        self.column.addWidget(self.duplicates_intro)

        self.duplicates = QTableWidget(ConflictsDialog)
        if (self.duplicates.columnCount() < 4):
            self.duplicates.setColumnCount(4)
        __qtablewidgetitem5 = QTableWidgetItem()
        self.duplicates.setHorizontalHeaderItem(0, __qtablewidgetitem5)
        __qtablewidgetitem6 = QTableWidgetItem()
        self.duplicates.setHorizontalHeaderItem(1, __qtablewidgetitem6)
        __qtablewidgetitem7 = QTableWidgetItem()
        self.duplicates.setHorizontalHeaderItem(2, __qtablewidgetitem7)
        __qtablewidgetitem8 = QTableWidgetItem()
        self.duplicates.setHorizontalHeaderItem(3, __qtablewidgetitem8)
        self.duplicates.setObjectName(u"duplicates")
        self.duplicates.setMinimumSize(QSize(0, 60))
        self.duplicates.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.duplicates.setSelectionBehavior(QAbstractItemView.SelectRows)

        self.column.addWidget(self.duplicates)

        self.merge_row = QHBoxLayout()
        self.merge_row.setObjectName(u"merge_row")
        self.merge = QPushButton(ConflictsDialog)
        self.merge.setObjectName(u"merge")

        self.merge_row.addWidget(self.merge)

        self.merge_room = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.merge_row.addItem(self.merge_room)

        self.close_button = QPushButton(ConflictsDialog)
        self.close_button.setObjectName(u"close_button")
        self.close_button.setProperty(u"primary", True)

        self.merge_row.addWidget(self.close_button)


        self.column.addLayout(self.merge_row)

        self.column.setStretch(2, 1)
        self.column.setStretch(6, 1)
        QWidget.setTabOrder(self.table, self.keep)
        QWidget.setTabOrder(self.keep, self.other)
        QWidget.setTabOrder(self.other, self.duplicates)
        QWidget.setTabOrder(self.duplicates, self.merge)
        QWidget.setTabOrder(self.merge, self.close_button)

        self.retranslateUi(ConflictsDialog)

        QMetaObject.connectSlotsByName(ConflictsDialog)
    # setupUi

    def retranslateUi(self, ConflictsDialog):
        ConflictsDialog.setWindowTitle(QCoreApplication.translate("ConflictsDialog", u"Sync conflicts \u2013 WorkWell", None))
#if QT_CONFIG(accessibility)
        ConflictsDialog.setAccessibleName(QCoreApplication.translate("ConflictsDialog", u"Sync conflicts", None))
#endif // QT_CONFIG(accessibility)
        self.title.setText(QCoreApplication.translate("ConflictsDialog", u"Changes made on two laptops", None))
        self.title.setProperty(u"role", QCoreApplication.translate("ConflictsDialog", u"title", None))
        self.intro.setText(QCoreApplication.translate("ConflictsDialog", u"The same detail was changed differently on two laptops before they synced. WorkWell shows the later change for now; choose which one is right.", None))
        self.intro.setProperty(u"role", QCoreApplication.translate("ConflictsDialog", u"hint", None))
        ___qtablewidgetitem = self.table.horizontalHeaderItem(0)
        ___qtablewidgetitem.setText(QCoreApplication.translate("ConflictsDialog", u"Client", None))
        ___qtablewidgetitem1 = self.table.horizontalHeaderItem(1)
        ___qtablewidgetitem1.setText(QCoreApplication.translate("ConflictsDialog", u"Detail", None))
        ___qtablewidgetitem2 = self.table.horizontalHeaderItem(2)
        ___qtablewidgetitem2.setText(QCoreApplication.translate("ConflictsDialog", u"Showing now", None))
        ___qtablewidgetitem3 = self.table.horizontalHeaderItem(3)
        ___qtablewidgetitem3.setText(QCoreApplication.translate("ConflictsDialog", u"Other change", None))
        ___qtablewidgetitem4 = self.table.horizontalHeaderItem(4)
        ___qtablewidgetitem4.setText(QCoreApplication.translate("ConflictsDialog", u"By", None))
#if QT_CONFIG(accessibility)
        self.table.setAccessibleName(QCoreApplication.translate("ConflictsDialog", u"Conflicts to resolve", None))
#endif // QT_CONFIG(accessibility)
        self.keep.setText(QCoreApplication.translate("ConflictsDialog", u"&Keep what is showing", None))
#if QT_CONFIG(accessibility)
        self.keep.setAccessibleName(QCoreApplication.translate("ConflictsDialog", u"Keep what is showing", None))
#endif // QT_CONFIG(accessibility)
        self.other.setText(QCoreApplication.translate("ConflictsDialog", u"&Use the other change", None))
#if QT_CONFIG(accessibility)
        self.other.setAccessibleName(QCoreApplication.translate("ConflictsDialog", u"Use the other change", None))
#endif // QT_CONFIG(accessibility)
        self.duplicates_title.setText(QCoreApplication.translate("ConflictsDialog", u"Possible duplicates", None))
        self.duplicates_title.setProperty(u"role", QCoreApplication.translate("ConflictsDialog", u"title", None))
        self.duplicates_intro.setText(QCoreApplication.translate("ConflictsDialog", u"These clients have the same NHS number: probably one person entered on two laptops. Both can still be edited. Merging keeps everything from both under the first one.", None))
        self.duplicates_intro.setProperty(u"role", QCoreApplication.translate("ConflictsDialog", u"hint", None))
        ___qtablewidgetitem5 = self.duplicates.horizontalHeaderItem(0)
        ___qtablewidgetitem5.setText(QCoreApplication.translate("ConflictsDialog", u"NHS number", None))
        ___qtablewidgetitem6 = self.duplicates.horizontalHeaderItem(1)
        ___qtablewidgetitem6.setText(QCoreApplication.translate("ConflictsDialog", u"Keep this one", None))
        ___qtablewidgetitem7 = self.duplicates.horizontalHeaderItem(2)
        ___qtablewidgetitem7.setText(QCoreApplication.translate("ConflictsDialog", u"Merge this one into it", None))
        ___qtablewidgetitem8 = self.duplicates.horizontalHeaderItem(3)
        ___qtablewidgetitem8.setText(QCoreApplication.translate("ConflictsDialog", u"Entered by", None))
#if QT_CONFIG(accessibility)
        self.duplicates.setAccessibleName(QCoreApplication.translate("ConflictsDialog", u"Possible duplicate clients", None))
#endif // QT_CONFIG(accessibility)
        self.merge.setText(QCoreApplication.translate("ConflictsDialog", u"&Merge into the client kept", None))
#if QT_CONFIG(accessibility)
        self.merge.setAccessibleName(QCoreApplication.translate("ConflictsDialog", u"Merge the duplicate into the client kept", None))
#endif // QT_CONFIG(accessibility)
        self.close_button.setText(QCoreApplication.translate("ConflictsDialog", u"&Done", None))
#if QT_CONFIG(accessibility)
        self.close_button.setAccessibleName(QCoreApplication.translate("ConflictsDialog", u"Done", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

