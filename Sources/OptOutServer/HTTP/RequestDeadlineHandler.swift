import HTTPTypes
import NIOCore
import NIOHTTPTypes
import OptOutCore
import OptOutStore

/// A whole-request deadline on each connection: from the moment the connection is ready for a request (when it opens,
/// and when the previous response ends) its head and whole body must arrive within `timeout`. The idle timeout only
/// bounds the gap between two bytes, so without this a client sending one byte every 29 s would hold a connection and
/// its handler for ever.
///
/// Past the deadline the connection is closed. A request whose head arrived but whose body did not, and that has no
/// response started, first gets a 408 with the API's error envelope, so a slow but honest client learns why. Sits after the HTTP decoder (Hummingbird's
/// `additionalChannelHandlers`), so it sees request and response parts, never bytes.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let onExpiry: @Sendable () -> Void
    private var deadline: Scheduled<Void>?
    /// Where the current request stands; all four start false when the connection is ready for the next one.
    private var headSeen = false
    private var requestComplete = false
    private var responseStarted = false
    private var responseComplete = false

    init(timeout: TimeAmount, onExpiry: @escaping @Sendable () -> Void = {}) {
        self.timeout = timeout
        self.onExpiry = onExpiry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            headSeen = true
        case .body:
            break
        case .end:
            // The whole request arrived: the handler has what it needs, however long it then takes.
            requestComplete = true
            disarm()
            if responseComplete { readyForNext(context: context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            responseStarted = true
        case .end:
            // A response sent before its request's body was read keeps the request's clock running: the body it
            // never read is still bounded.
            responseComplete = true
            if requestComplete { readyForNext(context: context) }
        default:
            break
        }
        context.write(data, promise: promise)
    }

    private func readyForNext(context: ChannelHandlerContext) {
        headSeen = false
        requestComplete = false
        responseStarted = false
        responseComplete = false
        arm(context: context)
    }

    private func arm(context: ChannelHandlerContext) {
        disarm()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            handler.expire(context: context)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }

    private func expire(context: ChannelHandlerContext) {
        deadline = nil
        onExpiry()
        guard context.channel.isActive else { return }
        // No request yet (an idle or a slow head) or an answer already on its way: the connection just closes.
        if !headSeen || responseStarted {
            context.close(promise: nil)
            return
        }
        responseStarted = true
        let seconds = timeout.nanoseconds / 1_000_000_000
        let body = ByteBuffer(
            string: #"{"error":{"code":"request_timeout","message":"The request did not arrive in full within \#(seconds) s."}}"#
        )
        let head = HTTPResponse(
            status: .requestTimeout,
            headerFields: [.contentType: "application/json; charset=utf-8", .contentLength: "\(body.readableBytes)", .connection: "close"]
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
