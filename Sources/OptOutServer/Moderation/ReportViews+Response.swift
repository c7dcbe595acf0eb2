import Hummingbird
import OptOutCore
import OptOutStore

// The store's read models are the moderation routes' response bodies.
extension ReportItemView: ResponseEncodable {}
extension ReporterReportView: ResponseEncodable {}
extension RulingItemView: ResponseEncodable {}
extension ReportHistoryView: ResponseEncodable {}
