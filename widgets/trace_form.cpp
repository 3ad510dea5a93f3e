// The trace page's fields; see trace_form.h. The text forms (delimiter names, time units,
// sizes) are parsed by the same functions the CLI uses, so the two cannot disagree.
#include "widgets/trace_form.h"

#include "core/device/size_parse.h"
#include "core/workload/trace_options.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace bucketscope {
namespace {

constexpr const char* kFormats[] = {"blkparse", "fio", "msr", "csv", "oracle"};
constexpr const char* kDelimiters[] = {",", ";", "tab", "space", "|"};
constexpr const char* kTimeUnits[] = {"s", "ms", "us", "ns"};
// The blkparse actions whose lines carry "sector + nsectors": where a request is counted.
struct Action {
    char letter;
    const char* meaning;
};
constexpr Action kActions[] = {{'Q', QT_TRANSLATE_NOOP("bucketscope::TraceForm", "queued")},
                               {'G', QT_TRANSLATE_NOOP("bucketscope::TraceForm", "get request")},
                               {'I', QT_TRANSLATE_NOOP("bucketscope::TraceForm", "inserted")},
                               {'D', QT_TRANSLATE_NOOP("bucketscope::TraceForm", "issued")},
                               {'C', QT_TRANSLATE_NOOP("bucketscope::TraceForm", "completed")}};

// "512K" for sizes that are a whole number of KiB (what the default and most object sizes
// are), bytes otherwise: either way parse_size reads it back to the same value.
QString size_text(uint64_t bytes) {
    if (bytes && bytes % 1024 == 0)
        return QString::number(bytes / 1024) + QLatin1Char('K');
    return QString::number(bytes);
}

bool csv_columns(const QString& text, workload::CsvColumns& out) {
    const QStringList cols = text.split(QLatin1Char(','));
    if (cols.size() != 4)
        return false;
    unsigned v[4];
    for (int i = 0; i < 4; ++i) {
        bool ok = false;
        v[i] = cols[i].trimmed().toUInt(&ok);
        if (!ok)
            return false;
    }
    out.time = v[0];
    out.obj_id = v[1];
    out.obj_size = v[2];
    out.op = v[3];
    return true;
}

} // namespace

TraceForm::TraceForm(int max_requests, unsigned max_write_points, QWidget* parent)
    : QWidget(parent), file_(new QLineEdit(this)), format_(new QComboBox(this)),
      skip_bad_(new QCheckBox(tr("Skip malformed records (count them)"), this)),
      limit_(new QSpinBox(this)), write_points_(new QSpinBox(this)),
      csv_columns_(new QLineEdit(QStringLiteral("1,2,3,0"), this)),
      csv_header_(new QCheckBox(tr("The csv file starts with a header line"), this)),
      csv_delimiter_(new QComboBox(this)),
      csv_numeric_ids_(new QCheckBox(tr("Object ids are numbers"), this)),
      csv_time_unit_(new QComboBox(this)),
      object_size_(new QLineEdit(QStringLiteral("512K"), this)),
      blkparse_action_(new QComboBox(this)) {
    const workload::TraceOptions defaults;
    file_->setPlaceholderText(tr("trace file (plain or .zst)"));
    for (const char* f : kFormats)
        format_->addItem(QString::fromLatin1(f));
    format_->setToolTip(tr("blkparse text, fio iolog v2/v3, MSR Cambridge CSV, libCacheSim csv "
                           "or oracleGeneral (--format)"));
    limit_->setRange(0, max_requests);
    limit_->setSpecialValueText(tr("whole trace"));
    limit_->setSingleStep(10000);
    write_points_->setRange(0, int(max_write_points));
    write_points_->setSpecialValueText(tr("one per process"));
    write_points_->setToolTip(tr("Fold the trace's process ids onto this many write points "
                                 "(--write-points)"));
    csv_columns_->setToolTip(tr("csv: the 1-based columns of time, object id, object size and "
                                "operation (0: none), as the CLI's --csv-time-col, --csv-id-col, "
                                "--csv-size-col and --csv-op-col"));
    csv_header_->setChecked(defaults.csv.has_header);
    csv_header_->setToolTip(tr("Off: the first line is a record (--csv-no-header)"));
    csv_delimiter_->setEditable(true);
    for (const char* d : kDelimiters)
        csv_delimiter_->addItem(QString::fromLatin1(d));
    csv_delimiter_->setToolTip(tr("csv: the field delimiter, one character or tab or space "
                                  "(--csv-delimiter)"));
    csv_numeric_ids_->setChecked(defaults.csv.obj_id_is_num);
    csv_numeric_ids_->setToolTip(tr("Off: ids are names, each hashed to an object "
                                    "(--csv-string-ids)"));
    for (const char* u : kTimeUnits)
        csv_time_unit_->addItem(QString::fromLatin1(u));
    csv_time_unit_->setToolTip(tr("csv: the unit of the time column (--csv-time-unit)"));
    object_size_->setToolTip(tr("Size of objects whose records carry none, such as 512K or "
                                "4M (--object-size)"));
    for (const Action& a : kActions)
        blkparse_action_->addItem(
            QStringLiteral("%1 (%2)").arg(QChar::fromLatin1(a.letter), tr(a.meaning)),
            QVariant::fromValue(int(a.letter)));
    blkparse_action_->setToolTip(tr("blkparse: which action's lines are requests "
                                    "(--blkparse-action)"));

    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* row = new QHBoxLayout;
    row->addWidget(file_, 1);
    row->addWidget(browse);
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("File"), row);
    form->addRow(tr("Format"), format_);
    form->addRow(QString(), skip_bad_);
    form->addRow(tr("Requests"), limit_);
    form->addRow(tr("Write points"), write_points_);
    form->addRow(tr("blkparse action"), blkparse_action_);
    form->addRow(tr("Object size"), object_size_);
    form->addRow(tr("CSV columns"), csv_columns_);
    form->addRow(QString(), csv_header_);
    form->addRow(tr("CSV delimiter"), csv_delimiter_);
    form->addRow(QString(), csv_numeric_ids_);
    form->addRow(tr("CSV time unit"), csv_time_unit_);
    connect(format_, &QComboBox::currentIndexChanged, this, &TraceForm::enableForFormat);
    enableForFormat();
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open trace"), QString(),
                                                          tr("Traces (*);;zstd (*.zst)"));
        if (!path.isEmpty())
            file_->setText(path);
    });
}

void TraceForm::enableForFormat() {
    const QString f = format_->currentText();
    const bool csv = f == QLatin1String("csv");
    for (QWidget* w : std::initializer_list<QWidget*>{csv_columns_, csv_header_, csv_delimiter_,
                                                      csv_numeric_ids_, csv_time_unit_})
        w->setEnabled(csv);
    object_size_->setEnabled(csv || f == QLatin1String("oracle"));
    blkparse_action_->setEnabled(f == QLatin1String("blkparse"));
}

bool TraceForm::read(WorkloadChoice& c, QString* error) const {
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    c.trace_path = file_->text().trimmed().toStdString();
    workload::TraceOptions& t = c.trace;
    workload::parse_trace_format(format_->currentText().toStdString(), t.format);
    t.skip_bad = skip_bad_->isChecked();
    c.limit = uint64_t(limit_->value());
    c.write_points = unsigned(write_points_->value());
    t.blkparse_action = char(blkparse_action_->currentData().toInt());
    // Fields of other formats are not judged: a stale csv column list must not stop a
    // blkparse trace.
    const bool csv = t.format == workload::TraceFormat::Csv;
    if (csv || t.format == workload::TraceFormat::Oracle) {
        if (const Status s =
                parse_size(object_size_->text().trimmed().toStdString(), t.default_object_size);
            !s || t.default_object_size == 0)
            return fail(tr("Object size: expected a size such as 512K or 4M, found \"%1\"")
                            .arg(object_size_->text()));
    }
    if (!csv)
        return true;
    if (!csv_columns(csv_columns_->text(), t.csv))
        return fail(tr("CSV columns: expected four numbers such as 1,2,3,0, found \"%1\"")
                        .arg(csv_columns_->text()));
    t.csv.has_header = csv_header_->isChecked();
    t.csv.obj_id_is_num = csv_numeric_ids_->isChecked();
    if (!workload::parse_csv_delimiter(csv_delimiter_->currentText().toStdString(),
                                       t.csv.delimiter))
        return fail(tr("CSV delimiter: expected one character, tab or space, found \"%1\"")
                        .arg(csv_delimiter_->currentText()));
    workload::parse_time_unit(csv_time_unit_->currentText().toStdString(), t.csv.time_unit_ns);
    return true;
}

void TraceForm::show(const WorkloadChoice& c) {
    const workload::TraceOptions& t = c.trace;
    file_->setText(QString::fromStdString(c.trace_path));
    format_->setCurrentText(QString::fromLatin1(workload::to_string(t.format)));
    skip_bad_->setChecked(t.skip_bad);
    limit_->setValue(int(std::min<uint64_t>(c.limit, uint64_t(limit_->maximum()))));
    write_points_->setValue(int(c.write_points));
    blkparse_action_->setCurrentIndex(blkparse_action_->findData(int(t.blkparse_action)));
    object_size_->setText(size_text(t.default_object_size));
    csv_columns_->setText(QStringLiteral("%1,%2,%3,%4")
                              .arg(t.csv.time)
                              .arg(t.csv.obj_id)
                              .arg(t.csv.obj_size)
                              .arg(t.csv.op));
    csv_header_->setChecked(t.csv.has_header);
    csv_delimiter_->setCurrentText(
        QString::fromStdString(workload::csv_delimiter_name(t.csv.delimiter)));
    csv_numeric_ids_->setChecked(t.csv.obj_id_is_num);
    csv_time_unit_->setCurrentText(
        QString::fromLatin1(workload::time_unit_name(t.csv.time_unit_ns)));
}

} // namespace bucketscope
