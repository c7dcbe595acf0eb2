import Hummingbird
import OptOutCore
import OptOutStore

/// Public facts about the registry.
struct RegistryController {
    let repository: ArtistRepository

    struct Version: ResponseEncodable {
        let registryVersion: Int64
        let activePhrases: Int
    }

    func addRoutes(to routes: RouteRecorder<AppRequestContext>) {
        routes.get("/v1/registry/version") { _, _ in
            await Version(registryVersion: try repository.registryVersion(), activePhrases: try repository.activePhraseCount())
        }
    }
}
