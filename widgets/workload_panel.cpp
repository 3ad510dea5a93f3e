// Write sizes of the built-in generator are shown in KiB and stored in sectors
// (WorkloadParams::max_write_sectors): the generator rounds every write to whole blocks
// anyway. The generator page's fields only assemble a spec string; the spec parser
// (make_generator) is the one judge of it, so a field and the CLI can never disagree.
#include "widgets/workload_panel.h"

#include "core/workload/generator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace bucketscope {
namespace {

const QColor kError(0xc0, 0x20, 0x20);
constexpr int kMaxRate = 10'000'000;
constexpr int kMaxRequests = 2'000'000'000;

struct Kind {
    const char* name;
    const char* params; // the kind's own keys with the generator's defaults
};
constexpr Kind kKinds[] = {{"zipf", "alpha=0.9"},
                           {"uniform", ""},
                           {"seq", ""},
                           {"hotcold", "hot=10,hotfrac=90"},
                           {"scan", "alpha=0.9,every=10000,scanlen=64M"}};
constexpr CacheMode kCacheModes[] = {CacheMode::Writethrough, CacheMode::Writeback,
                                     CacheMode::Writearound, CacheMode::None};

QFormLayout* page_form(QWidget* page) {
    auto* form = new QFormLayout(page);
    form->setContentsMargins(0, 0, 0, 0);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    return form;
}

} // namespace

WorkloadPanel::WorkloadPanel(QWidget* parent)
    : QWidget(parent), source_(new QComboBox(this)), pages_(new QStackedWidget(this)),
      cache_mode_(new QComboBox(this)), rate_(new QSpinBox(this)), note_(new QLabel(this)),
      status_(new QLabel(this)), source_progress_(new QProgressBar(this)),
      apply_(new QPushButton(tr("Apply (restarts the engine)"), this)) {
    source_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    source_->setMinimumContentsLength(12);
    source_->addItem(tr("Built-in write generator"), int(BuiltIn));
    source_->addItem(tr("Trace file…"), int(TraceFile));
    source_->addItem(tr("Generator spec (zipf, hotcold, scan…)"), int(GeneratorSpec));
    pages_->addWidget(buildBuiltinPage());
    trace_form_ = new TraceForm(kMaxRequests, kMaxProcesses, this);
    pages_->addWidget(trace_form_);
    pages_->addWidget(buildGeneratorPage());

    for (CacheMode m : kCacheModes)
        cache_mode_->addItem(QString::fromLatin1(to_string(m)), int(m));
    cache_mode_->setToolTip(tr("The request path's cache_mode, as in sysfs: writes go to the cache "
                               "and the backing device (writethrough), to the cache first "
                               "(writeback), or around the cache (writearound)"));
    rate_->setRange(0, kMaxRate);
    rate_->setSingleStep(100);
    rate_->setSuffix(tr(" requests/s"));
    rate_->setSpecialValueText(tr("no cap"));
    rate_->setToolTip(tr("At most this many requests per second of wall time; applies at once"));

    note_->setWordWrap(true);
    note_->setText(tr("Applying starts a new engine with the same geometry, policy and seed (or "
                      "reopens the device it runs on); the history so far is discarded."));
    apply_->setToolTip(note_->text());
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    source_progress_->setRange(0, 1000);
    source_progress_->setFormat(tr("%p % of the workload"));
    source_progress_->hide();

    auto* common = new QFormLayout;
    common->setRowWrapPolicy(QFormLayout::WrapLongRows);
    common->addRow(tr("Cache mode"), cache_mode_);
    common->addRow(tr("Rate"), rate_);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    auto* top = new QFormLayout;
    top->addRow(tr("Source"), source_);
    box->addLayout(top);
    box->addWidget(pages_);
    box->addLayout(common);
    box->addWidget(note_);
    box->addWidget(apply_);
    box->addWidget(source_progress_);
    box->addWidget(status_);
    box->addStretch(1);

    connect(source_, &QComboBox::currentIndexChanged, this, &WorkloadPanel::onSourceChanged);
    connect(apply_, &QPushButton::clicked, this, &WorkloadPanel::apply);
    connect(rate_, &QSpinBox::valueChanged, this, [this](int v) { emit rateChanged(double(v)); });
    showOptions(EngineOptions{});
    onKindChanged();
    onSourceChanged();
}

QWidget* WorkloadPanel::buildBuiltinPage() {
    auto* page = new QWidget(this);
    processes_ = new QSpinBox(page);
    flash_ = new QSpinBox(page);
    read_ = new QSpinBox(page);
    sequential_ = new QSpinBox(page);
    write_kib_ = new QSpinBox(page);
    processes_->setRange(1, int(kMaxProcesses));
    processes_->setToolTip(
        tr("Writer processes, each with its own write point and seeded generator"));
    for (QSpinBox* b : {flash_, read_, sequential_}) {
        b->setRange(0, 100);
        b->setSuffix(QStringLiteral(" %"));
    }
    flash_->setToolTip(tr("Processes writing to a flash-only volume; the others write to a cached "
                          "backing device, whose requests rescale prios"));
    read_->setToolTip(tr("Requests that are reads"));
    sequential_->setToolTip(tr("Writes that continue where the process left off"));
    write_kib_->setRange(1, 1024);
    write_kib_->setSuffix(tr(" KiB"));
    write_kib_->setToolTip(tr("Writes are 1 block up to this size, in whole blocks"));
    auto* form = page_form(page);
    form->addRow(tr("Processes"), processes_);
    form->addRow(tr("Flash-only processes"), flash_);
    form->addRow(tr("Reads"), read_);
    form->addRow(tr("Sequential writes"), sequential_);
    form->addRow(tr("Largest write"), write_kib_);
    return page;
}

QWidget* WorkloadPanel::buildGeneratorPage() {
    auto* page = new QWidget(this);
    kind_ = new QComboBox(page);
    kind_params_ = new QLineEdit(page);
    span_ = new QLineEdit(QStringLiteral("1G"), page);
    gen_read_ = new QSpinBox(page);
    size_ = new QLineEdit(QStringLiteral("4K-64K"), page);
    gen_processes_ = new QSpinBox(page);
    requests_ = new QSpinBox(page);
    spec_label_ = new QLabel(page);
    for (const Kind& k : kKinds)
        kind_->addItem(QString::fromLatin1(k.name));
    kind_->setToolTip(tr("zipf: a skewed hot set; uniform: every block alike; seq: each process "
                         "streams; hotcold: a hot part of the span takes most requests; scan: a "
                         "Zipf hot set polluted by cold sequential scans"));
    kind_params_->setToolTip(tr("The kind's own keys, comma-separated (alpha, hot, hotfrac, every, "
                                "scanlen)"));
    span_->setToolTip(tr("Address space of the backing device (K, M, G, T)"));
    gen_read_->setRange(0, 100);
    gen_read_->setSuffix(QStringLiteral(" %"));
    gen_read_->setValue(70);
    size_->setToolTip(tr("Request size: fixed (4K), uniform (4K-64K) or weighted (4K:70/64K:30)"));
    gen_processes_->setRange(1, int(kMaxProcesses));
    gen_processes_->setValue(4);
    requests_->setRange(0, kMaxRequests);
    requests_->setSpecialValueText(tr("endless"));
    requests_->setSingleStep(10000);
    requests_->setToolTip(tr("The workload ends after this many requests"));
    spec_label_->setWordWrap(true);
    spec_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* form = page_form(page);
    form->addRow(tr("Kind"), kind_);
    form->addRow(tr("Parameters"), kind_params_);
    form->addRow(tr("Span"), span_);
    form->addRow(tr("Reads"), gen_read_);
    form->addRow(tr("Request sizes"), size_);
    form->addRow(tr("Processes"), gen_processes_);
    form->addRow(tr("Requests"), requests_);
    form->addRow(spec_label_);
    connect(kind_, &QComboBox::currentIndexChanged, this, &WorkloadPanel::onKindChanged);
    auto update = [this] { spec_label_->setText(tr("Spec: %1").arg(spec())); };
    for (QLineEdit* e : {kind_params_, span_, size_})
        connect(e, &QLineEdit::textChanged, this, update);
    for (QSpinBox* b : {gen_read_, gen_processes_, requests_})
        connect(b, &QSpinBox::valueChanged, this, update);
    return page;
}

void WorkloadPanel::onSourceChanged() {
    const int s = source_->currentData().toInt();
    pages_->setCurrentIndex(s);
    // The built-in generator keeps its own model of the request path.
    cache_mode_->setEnabled(s != BuiltIn);
}

void WorkloadPanel::onKindChanged() {
    const int k = std::max(0, kind_->currentIndex());
    kind_params_->setText(QString::fromLatin1(kKinds[k].params));
    spec_label_->setText(tr("Spec: %1").arg(spec()));
}

QString WorkloadPanel::spec() const {
    QStringList keys;
    if (!kind_params_->text().trimmed().isEmpty())
        keys << kind_params_->text().trimmed();
    keys << QStringLiteral("span=") + span_->text().trimmed()
         << QStringLiteral("read=%1").arg(gen_read_->value())
         << QStringLiteral("size=") + size_->text().trimmed()
         << QStringLiteral("processes=%1").arg(gen_processes_->value());
    if (requests_->value() > 0)
        keys << QStringLiteral("requests=%1").arg(requests_->value());
    return kind_->currentText() + QLatin1Char(':') + keys.join(QLatin1Char(','));
}

void WorkloadPanel::showChoice(const WorkloadChoice& c) {
    const int source = c.kind == WorkloadChoice::Generator ? GeneratorSpec
                       : c.kind == WorkloadChoice::Trace   ? TraceFile
                                                           : BuiltIn;
    source_->setCurrentIndex(source_->findData(source));
    if (c.kind != WorkloadChoice::BuiltIn)
        cache_mode_->setCurrentIndex(cache_mode_->findData(int(c.cache_mode)));
    if (c.kind == WorkloadChoice::Trace)
        trace_form_->show(c);
    if (c.kind != WorkloadChoice::Generator)
        return;
    const QString spec = QString::fromStdString(c.spec);
    const qsizetype colon = spec.indexOf(QLatin1Char(':'));
    kind_->setCurrentText(spec.left(colon < 0 ? spec.size() : colon));
    QStringList own;
    requests_->setValue(0);
    const QStringList keys =
        colon < 0 ? QStringList() : spec.mid(colon + 1).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString& kv : keys) {
        const QString key = kv.section(QLatin1Char('='), 0, 0),
                      value = kv.section(QLatin1Char('='), 1);
        if (key == QLatin1String("span"))
            span_->setText(value);
        else if (key == QLatin1String("read"))
            gen_read_->setValue(value.toInt());
        else if (key == QLatin1String("size"))
            size_->setText(value);
        else if (key == QLatin1String("processes"))
            gen_processes_->setValue(value.toInt());
        else if (key == QLatin1String("requests"))
            requests_->setValue(value.toInt());
        else
            own << kv;
    }
    kind_params_->setText(own.join(QLatin1Char(',')));
}

void WorkloadPanel::showOptions(const EngineOptions& opts) {
    base_ = opts.workload;
    if (!opts.source)
        source_->setCurrentIndex(source_->findData(int(BuiltIn)));
    processes_->setValue(int(base_.processes));
    flash_->setValue(int(base_.flash_only_percent));
    read_->setValue(int(base_.read_percent));
    sequential_->setValue(int(base_.sequential_percent));
    write_kib_->setValue(int(std::max<uint32_t>(1, base_.max_write_sectors / 2)));
}

WorkloadParams WorkloadPanel::params() const {
    WorkloadParams p = base_;
    p.processes = unsigned(processes_->value());
    p.flash_only_percent = unsigned(flash_->value());
    p.read_percent = unsigned(read_->value());
    p.sequential_percent = unsigned(sequential_->value());
    p.max_write_sectors = uint32_t(write_kib_->value()) * 2;
    return p;
}

WorkloadChoice WorkloadPanel::choice(QString* error) const {
    WorkloadChoice c;
    c.builtin = params();
    c.cache_mode = CacheMode(cache_mode_->currentData().toInt());
    switch (source_->currentData().toInt()) {
    case GeneratorSpec:
        c.kind = WorkloadChoice::Generator;
        c.spec = spec().toStdString();
        break;
    case TraceFile:
        c.kind = WorkloadChoice::Trace;
        trace_form_->read(c, error);
        break;
    default:
        c.kind = WorkloadChoice::BuiltIn;
        break;
    }
    return c;
}

void WorkloadPanel::showStatus(const QString& text, bool error) {
    QPalette p = status_->palette();
    p.setColor(QPalette::WindowText, error ? kError : palette().color(QPalette::WindowText));
    status_->setPalette(p);
    status_->setText(text);
}

void WorkloadPanel::apply() {
    QString bad_field;
    const WorkloadChoice c = choice(&bad_field);
    if (c.kind == WorkloadChoice::Generator) {
        try {
            workload::make_generator(c.spec, 1);
        } catch (const std::exception& e) {
            showStatus(
                tr("Spec %1: %2").arg(QString::fromStdString(c.spec), QString::fromUtf8(e.what())),
                true);
            return;
        }
    }
    if (c.kind == WorkloadChoice::Trace) {
        if (c.trace_path.empty())
            showStatus(tr("Choose a trace file first."), true);
        else if (!bad_field.isEmpty())
            showStatus(bad_field, true);
        else
            loadTrace(c);
        return;
    }
    showStatus(QString(), false);
    emit applyRequested(c);
}

void WorkloadPanel::loadTrace(const WorkloadChoice& c) {
    if (job_)
        return;
    auto scan = std::make_shared<TraceScan>();
    auto* job = new LongJob([c, scan](Progress& p) { *scan = scan_trace(c, p); }, this);
    job_ = job;
    apply_->setEnabled(false);
    connect(job, &LongJob::finished, this, [this, job, c, scan](bool cancelled) {
        job->deleteLater();
        job_ = nullptr;
        apply_->setEnabled(true);
        const QString path = QString::fromStdString(c.trace_path);
        // A cancel that came after the last report still counts: nothing restarts.
        if (cancelled || scan->cancelled) {
            showStatus(tr("Reading %1 was cancelled; the engine runs on as it was.").arg(path),
                       false);
            return;
        }
        if (!scan->error.empty()) {
            showStatus(
                tr("The trace cannot be replayed: %1").arg(QString::fromStdString(scan->error)),
                true);
            return;
        }
        QString text = tr("%1: %2 requests").arg(path).arg(scan->requests);
        if (scan->bad_records)
            text += QLatin1Char('\n') + tr("%1 malformed records skipped, the first: %2")
                                            .arg(scan->bad_records)
                                            .arg(QString::fromStdString(scan->first_bad));
        showStatus(text, false);
        emit applyRequested(c);
    });
    job->showDialog(window(), tr("Load trace"),
                    tr("Reading %1…").arg(QString::fromStdString(c.trace_path)));
    job->start();
}

void WorkloadPanel::showFrame(const FramePtr& f) {
    if (!f)
        return;
    const bool bounded = f->source_progress >= 0;
    source_progress_->setVisible(bounded);
    if (bounded)
        source_progress_->setValue(int(f->source_progress * 1000));
    if (!f->source_error.empty())
        showStatus(tr("The workload stopped: %1").arg(QString::fromStdString(f->source_error)),
                   true);
}

} // namespace bucketscope
