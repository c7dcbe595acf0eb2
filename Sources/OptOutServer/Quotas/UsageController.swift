import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOPosix
import OptOutCore
import OptOutStore

/// Allowances: `GET /v1/accounts/me/usage` (the signed-in account's month) and `PATCH /v1/accounts/{id}/plan`
/// (admins).
struct UsageController {
    let metering: any MeteringStore
    let queries: GenerationQueries
    let plans: PlanCatalog

    struct PlanChange: Decodable {
        let plan: String
        let overage: Bool?
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.get("/v1/accounts/me/usage", use: myUsage)
        routes.patch("/v1/accounts/:id/plan", use: setPlan)
    }

    /// An account's usage as `/v1/accounts/me/usage` answers it.
    struct UsageView: ResponseEncodable {
        let included: Int
        let overageCents: Int
        let overageCount: Int
        let periodEnd: Date
        let periodStart: Date
        let plan: String
        let used: Int

        init(_ usage: Usage) {
            included = usage.included
            overageCents = usage.overageCents
            overageCount = usage.overageCount
            periodEnd = usage.period.end
            periodStart = usage.period.start
            plan = usage.plan
            used = usage.used
        }
    }

    @Sendable func myUsage(_ request: Request, context: AppRequestContext) async throws -> UsageView {
        let account = try context.requireAccount()
        return UsageView(try await metering.usage(account: account.id, now: Date(), plans: plans))
    }

    /// An account's plan after `PATCH /v1/accounts/{id}/plan`.
    struct PlanView: ResponseEncodable {
        let accountId: Int64
        let overage: Bool
        let plan: String
    }

    @Sendable func setPlan(_ request: Request, context: AppRequestContext) async throws -> PlanView {
        _ = try context.requireRole(.admin)
        let id: ID<AccountRecord> = try Input.pathID(context, noun: "account")
        var request = request
        let input = try await request.decodeJSON(as: PlanChange.self, context: context)
        try plans.checkPlan(input.plan)
        guard let account = try await queries.setPlan(.id(id.rawValue), plan: input.plan, overage: input.overage) else {
            throw APIError.notFound("Account \(id)")
        }
        return PlanView(accountId: id.rawValue, overage: account.overageEnabled, plan: account.plan)
    }
}
