using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

/// <summary>One implementation's stores, as the contract tests use them.</summary>
public sealed record StoreSet(
    IConversationStore Conversations,
    IRequestStore Requests,
    IOutboxStore Outbox,
    IAuditStore Audit,
    IUsageCounterStore UsageCounters,
    IOptOutStore OptOuts,
    IStoreHealth Health,
    IStaffAccountStore Staff,
    IActivityStore Activities,
    ISentLinkStore SentLinks,
    IMessageStore Messages,
    IAttachmentStore Attachments,
    IWebhookStore Webhooks,
    IInputIndex Inputs,
    IKeyRingStore KeyRing,
    IRateCounterStore RateCounters,
    IRetentionStore Retention);
