import OptOutCore

// The core's string enums, bound and read by their raw values.
extension Role: SQLConvertible {}
extension Policy: SQLConvertible {}
extension PhraseKind: SQLConvertible {}
extension PhraseStatus: SQLConvertible {}
extension ReportCategory: SQLConvertible {}
extension ReportStatus: SQLConvertible {}
extension ReportEventRecord.ActorRole: SQLConvertible {}
