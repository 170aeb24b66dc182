using System.Net.WebSockets;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>
/// One conversation's WebSocket stream: pushes each new batch as a text frame
/// <c>{activities, watermark}</c> and ignores what the client sends (the widget's empty keep-alive frames).
/// A batch this host stores is handed over by <see cref="ActivitySignals"/> and sent without reading the
/// store; the store is read when the stream opens, every <see cref="RecheckEvery"/> without a signal, and
/// when a handed batch does not follow on from the last one sent.
/// </summary>
public sealed partial class DirectLineStream(
    WebChatConversations conversations,
    ActivitySignals signals,
    TimeProvider time,
    ILogger<DirectLineStream> logger,
    PatientContact.Inbox.Telemetry.PatientContactTelemetry? telemetry = null)
{
    /// <summary>How often the store is read again without a signal: batches stored by another host arrive this late at most.</summary>
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(2);

    public async Task RunAsync(WebSocket socket, string conversationId, long watermark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        // Subscribed before the first read, so a batch stored in between still wakes the loop.
        using var subscription = signals.Subscribe(conversationId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveUntilClosedAsync(socket, stop);
        var ended = false;
        telemetry?.WebChatConnected();
        try
        {
            // The store is read first, after a wait that ended without a signal (the fallback for batches
            // stored by another host), and whenever what was handed over does not follow on; otherwise the
            // batches handed by this host's commits are sent as they are.
            var readStore = true;
            while (!stop.IsCancellationRequested)
            {
                var handed = readStore ? null : subscription.TakeAfter(watermark);
                ActivityPage? page;
                if (handed is not null)
                {
                    page = new ActivityPage([.. handed.SelectMany(b => b.Activities)], handed.Count > 0 ? handed[^1].Sequence : watermark, More: false);
                }
                else
                {
                    try
                    {
                        page = await conversations.ReadAsync(conversationId, watermark, stop.Token);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // A store fault: keep the socket, try again at the next signal or recheck.
                        LogStoreFault(logger, ex.GetType().Name);
                        page = new ActivityPage([], watermark, More: false);
                    }
                }

                if (page is null)
                {
                    ended = true;
                    break;
                }

                if (page.Activities.Count > 0)
                {
                    var frame = DirectLineJson.ActivitySet(page.Activities, page.Watermark);
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, stop.Token);
                    watermark = page.Watermark;
                    if (page.More)
                    {
                        readStore = true;
                        continue;
                    }
                }

                readStore = !await subscription.WaitAsync(RecheckEvery, time, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went, or the service is stopping.
        }
        catch (WebSocketException)
        {
            // The connection broke; the client reconnects through GET conversations/{id}.
        }
        finally
        {
            telemetry?.WebChatDisconnected();
            // Close first: cancelling the pending receive would abort the socket without a close frame.
            await CloseAsync(socket, ended);
            await stop.CancelAsync();
            await receiving;
        }
    }

    private static async Task ReceiveUntilClosedAsync(WebSocket socket, CancellationTokenSource stop)
    {
        var buffer = new byte[512];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var received = await socket.ReceiveAsync(buffer, stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Stopping either way.
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    private static async Task CloseAsync(WebSocket socket, bool conversationEnded)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            // The widget reconnects after any close; a conversation that ended then answers 404, which it understands.
            await socket.CloseOutputAsync(
                conversationEnded ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.EndpointUnavailable,
                conversationEnded ? "conversation ended" : null,
                timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            socket.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A web chat stream could not read the store ({Error}); it will try again")]
    private static partial void LogStoreFault(ILogger logger, string error);
}
