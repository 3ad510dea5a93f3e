#include "widgets/session_browser.h"

#include "core/store/session_reader.h"
#include "widgets/session_list_model.h"
#include "widgets/session_replay_window.h"

#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <fstream>

namespace bucketscope {

SessionBrowser::SessionBrowser(const QString& database, QWidget* parent)
    : QDialog(parent), database_(database), model_(new SessionListModel(this)),
      path_(new QLabel(this)), view_(new QTableView(this)), details_(new QPlainTextEdit(this)),
      replay_(new QPushButton(tr("&Replay…"), this)),
      csv_(new QPushButton(tr("Export &CSV…"), this)),
      json_(new QPushButton(tr("Export &JSON…"), this)),
      delete_(new QPushButton(tr("&Delete"), this)) {
    setWindowTitle(tr("Recorded sessions"));
    resize(1000, 560);
    view_->setModel(model_);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->verticalHeader()->hide();
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setAlternatingRowColors(true);
    details_->setReadOnly(true);
    details_->setLineWrapMode(QPlainTextEdit::NoWrap);
    path_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(view_);
    split->addWidget(details_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* reload = new QPushButton(tr("Re&fresh"), this);
    auto* prune = new QPushButton(tr("&Prune…"), this);
    auto* close = new QPushButton(tr("Close"), this);
    auto* bar = new QHBoxLayout;
    for (auto* b : {replay_, csv_, json_, delete_, prune})
        bar->addWidget(b);
    bar->addStretch(1);
    bar->addWidget(reload);
    bar->addWidget(close);
    auto* box = new QVBoxLayout(this);
    box->addWidget(path_);
    box->addWidget(split, 1);
    box->addLayout(bar);

    connect(reload, &QPushButton::clicked, this, &SessionBrowser::refresh);
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    connect(replay_, &QPushButton::clicked, this, &SessionBrowser::replaySelected);
    connect(csv_, &QPushButton::clicked, this, [this] { exportSelected(true); });
    connect(json_, &QPushButton::clicked, this, [this] { exportSelected(false); });
    connect(delete_, &QPushButton::clicked, this, &SessionBrowser::deleteSelected);
    connect(prune, &QPushButton::clicked, this, &SessionBrowser::pruneDialog);
    connect(view_, &QTableView::doubleClicked, this, &SessionBrowser::replaySelected);
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showDetails();
        updateButtons();
    });
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        showDetails();
        updateButtons();
    });
    refresh();
}

void SessionBrowser::setLiveSession(qint64 id) {
    live_ = id;
    updateButtons();
}

void SessionBrowser::refresh() {
    const qint64 keep = selectedSession();
    model_->load(database_);
    path_->setText(model_->error().isEmpty()
                       ? tr("Database: %1 (sessions: %2)").arg(database_).arg(model_->rowCount())
                       : model_->error());
    view_->resizeColumnsToContents();
    select(keep >= 0 ? keep
                     : (model_->rowCount() ? model_->session(model_->rowCount() - 1).id : -1));
}

void SessionBrowser::select(qint64 id) {
    const int row = model_->rowOf(id);
    if (row < 0)
        view_->clearSelection();
    else
        view_->selectRow(row);
}

qint64 SessionBrowser::selectedSession() const {
    const auto rows = view_->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : model_->data(rows.first(), SessionListModel::IdRole).toLongLong();
}

void SessionBrowser::updateButtons() {
    const auto rows = view_->selectionModel()->selectedRows();
    const bool one = rows.size() == 1;
    replay_->setEnabled(one);
    csv_->setEnabled(one);
    json_->setEnabled(one);
    bool live = false;
    for (const auto& r : rows)
        live |= model_->data(r, SessionListModel::IdRole).toLongLong() == live_;
    delete_->setEnabled(!rows.isEmpty() && !live);
    delete_->setToolTip(live ? tr("The session being recorded cannot be deleted") : QString());
}

void SessionBrowser::showDetails() {
    const qint64 id = selectedSession();
    const int row = model_->rowOf(id);
    if (row < 0) {
        details_->setPlainText(model_->rowCount() ? tr("Select a session.")
                                                  : tr("No sessions recorded yet."));
        return;
    }
    const store::SessionRow& r = model_->session(row);
    auto s = [](const std::string& v) { return QString::fromStdString(v); };
    QString text =
        tr("Session %1%2\n").arg(r.id).arg(id == live_ ? tr(" (recording now)") : QString());
    text += tr("Started: %1\nEnded: %2\nOutcome: %3\n")
                .arg(s(r.started_at), r.ended_at.empty() ? tr("(not ended)") : s(r.ended_at),
                     r.outcome.empty() ? QStringLiteral("-") : s(r.outcome));
    text += tr("Recorded by: %1, bucketscope %2\nKernel profile: %3\nDevice: %4\n")
                .arg(s(r.info.origin), s(r.info.tool_version), s(r.info.profile), s(r.info.device));
    text += tr("Superblock: %1\nOptions: %2\n").arg(s(r.info.superblock), s(r.info.options));
    text += tr("Events: %1 (%2 lost)\nMetric samples: %3\nSnapshots: %4\n")
                .arg(r.events)
                .arg(r.dropped)
                .arg(r.metrics)
                .arg(r.snapshots);
    try {
        const auto commands = store::SessionReader(database_.toStdString()).commands(r.id);
        text += tr("Commands (%1):\n").arg(commands.size());
        for (const auto& c : commands)
            text += QStringLiteral("  %1 s  %2 %3\n")
                        .arg(double(c.clock_ns) / 1e9, 0, 'f', 6)
                        .arg(s(c.command), s(c.argument));
    } catch (const std::exception& e) {
        text += QString::fromStdString(e.what());
    }
    details_->setPlainText(text);
}

bool SessionBrowser::exportSession(qint64 id, const QString& path, bool csv, QString* why) {
    try {
        store::SessionReader reader(database_.toStdString());
        std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error(tr("cannot write %1").arg(path).toStdString());
        if (csv)
            reader.export_csv(id, out);
        else
            reader.export_json(id, out);
        out.close();
        if (!out)
            throw std::runtime_error(tr("writing %1 failed").arg(path).toStdString());
        return true;
    } catch (const std::exception& e) {
        if (why)
            *why = QString::fromStdString(e.what());
        return false;
    }
}

template <typename F> int SessionBrowser::withWriter(F&& f, QString* why) {
    try {
        store::SessionReader writer(database_.toStdString(), true);
        const int n = int(f(writer));
        refresh();
        return n;
    } catch (const std::exception& e) {
        if (why)
            *why = QString::fromStdString(e.what());
        return -1;
    }
}

int SessionBrowser::deleteSessions(const QList<qint64>& ids, QString* why) {
    std::vector<int64_t> go;
    for (qint64 id : ids)
        if (id != live_)
            go.push_back(id);
    return withWriter([&](store::SessionReader& w) { return w.prune_ids(go); }, why);
}

int SessionBrowser::pruneKeep(int keep, QString* why) {
    // The live session is the newest one, so keeping at least one keeps it.
    return withWriter(
        [&](store::SessionReader& w) {
            return w.prune_keep(size_t(std::max(keep, live_ >= 0 ? 1 : 0)));
        },
        why);
}

int SessionBrowser::pruneBefore(const QDateTime& when, QString* why) {
    QString iso = when.toUTC().toString(Qt::ISODate);
    // Never reach the live session: prune strictly before its start.
    if (const int row = model_->rowOf(live_); row >= 0)
        iso = std::min(iso, QString::fromStdString(model_->session(row).started_at));
    return withWriter([&](store::SessionReader& w) { return w.prune_before(iso.toStdString()); },
                      why);
}

SessionReplayWindow* SessionBrowser::replay(qint64 id, QString* why) {
    try {
        auto* w = new SessionReplayWindow(database_, id, parentWidget());
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->show();
        return w;
    } catch (const std::exception& e) {
        if (why)
            *why = QString::fromStdString(e.what());
        return nullptr;
    }
}

void SessionBrowser::replaySelected() {
    const qint64 id = selectedSession();
    QString why;
    if (id >= 0 && !replay(id, &why))
        QMessageBox::warning(this, tr("Replay session"), why);
}

void SessionBrowser::exportSelected(bool csv) {
    const qint64 id = selectedSession();
    if (id < 0)
        return;
    const QString path = QFileDialog::getSaveFileName(
        this, csv ? tr("Export session as CSV") : tr("Export session as JSON"),
        QStringLiteral("session-%1.%2")
            .arg(id)
            .arg(csv ? QStringLiteral("csv") : QStringLiteral("json")),
        csv ? tr("CSV files (*.csv)") : tr("JSON files (*.json)"));
    QString why;
    if (!path.isEmpty() && !exportSession(id, path, csv, &why))
        QMessageBox::warning(this, tr("Export session"), why);
}

void SessionBrowser::deleteSelected() {
    QList<qint64> ids;
    for (const auto& r : view_->selectionModel()->selectedRows())
        ids.push_back(model_->data(r, SessionListModel::IdRole).toLongLong());
    if (ids.isEmpty() ||
        QMessageBox::question(
            this, tr("Delete sessions"),
            tr("Delete the selected sessions (%1) and everything they hold?").arg(ids.size())) !=
            QMessageBox::Yes)
        return;
    QString why;
    if (deleteSessions(ids, &why) < 0)
        QMessageBox::warning(this, tr("Delete sessions"), why);
}

void SessionBrowser::pruneDialog() {
    QDialog d(this);
    d.setWindowTitle(tr("Prune sessions"));
    auto* keep = new QRadioButton(tr("Keep only the newest"), &d);
    auto* count = new QSpinBox(&d);
    count->setRange(1, 1000000);
    count->setValue(20);
    auto* before = new QRadioButton(tr("Delete sessions started before"), &d);
    auto* date = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-30), &d);
    date->setCalendarPopup(true);
    keep->setChecked(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &d);
    auto* form = new QFormLayout(&d);
    form->addRow(keep, count);
    form->addRow(before, date);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &d, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &d, &QDialog::reject);
    if (d.exec() != QDialog::Accepted)
        return;
    QString why;
    const int n =
        keep->isChecked() ? pruneKeep(count->value(), &why) : pruneBefore(date->dateTime(), &why);
    if (n < 0)
        QMessageBox::warning(this, tr("Prune sessions"), why);
    else
        QMessageBox::information(this, tr("Prune sessions"), tr("Sessions deleted: %1").arg(n));
}

} // namespace bucketscope
