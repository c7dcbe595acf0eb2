import Foundation

/// Monthly prompt allowances by plan, and the price of a prompt past the allowance.
public struct PlanCatalog: Sendable, Equatable {
    public var allowances: [String: Int]
    public var overagePriceCents: Int

    public init(allowances: [String: Int] = ["free": 5, "member": 300], overagePriceCents: Int = 20) {
        self.allowances = allowances
        self.overagePriceCents = overagePriceCents
    }

    /// Refuses a plan that is not in the catalogue.
    public func checkPlan(_ plan: String) throws(DomainError) {
        guard allowances[plan] == nil else { return }
        throw .invalid("plan", code: "unknown_plan", "Plans are \(allowances.keys.sorted().joined(separator: ", ")).")
    }

    /// Reads `free=5,member=300`.
    public static func parseAllowances(_ text: String) throws(DomainError) -> [String: Int] {
        var result: [String: Int] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), count >= 0 else {
                throw .invalid("plans", code: "invalid_plans", "Plans are written name=prompts, comma-separated: free=5,member=300.")
            }
            result[parts[0]] = count
        }
        guard !result.isEmpty else { throw .invalid("plans", code: "invalid_plans", "At least one plan is needed.") }
        return result
    }
}

/// A UTC calendar month.
public struct UsagePeriod: Sendable, Equatable {
    public let start: Date
    public let end: Date
    /// `YYYY-MM`.
    public let key: String

    public static func containing(_ date: Date) -> UsagePeriod {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        let start = calendar.date(from: parts)!
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        return UsagePeriod(start: start, end: end, key: String(format: "%04d-%02d", parts.year!, parts.month!))
    }
}

/// What a prompt costs, given the month's use so far.
public enum Charge: Equatable, Sendable {
    case included
    case overage(cents: Int)
    /// The allowance is used up and the account has not turned overage on.
    case exhausted

    public static func decide(used: Int, included: Int, overageEnabled: Bool, priceCents: Int) -> Charge {
        if used < included { return .included }
        return overageEnabled ? .overage(cents: priceCents) : .exhausted
    }
}
