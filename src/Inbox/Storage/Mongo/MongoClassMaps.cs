using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// How every stored type maps to BSON, registered once per process before any collection is used:
/// camelCase element names, enums by name, moments as BSON dates (UTC, to the millisecond), dates of
/// birth as <c>yyyy-MM-dd</c> strings, ids as readable strings. A document with an element the map does
/// not know is refused on read rather than dropped, so an older host can never write back less than it read.
/// </summary>
internal static class MongoClassMaps
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            var conventions = new ConventionPack
            {
                new CamelCaseElementNameConvention(),
                new EnumRepresentationConvention(BsonType.String),
                new StoredValueConvention(),
            };
            ConventionRegistry.Register("PatientContact storage", conventions, IsStoredType);

            Register<ContactRequest>();
            Register<PatientDetails>();
            Register<Submitter>();
            Register<ContactDetails>();
            Register<MatchResult>();
            Register<RedFlagHit>(map =>
            {
                // A red flag's "Id" is the rule's id, not a document id: keep it as an ordinary element.
                map.SetIdMember(null);
                map.GetMemberMap(r => r.Id).SetElementName("id");
                // Only a flag raised outside the details has these; older documents have neither.
                map.GetMemberMap(r => r.Step).SetIgnoreIfNull(true);
                map.GetMemberMap(r => r.Words).SetIgnoreIfNull(true);
            });
            Register<StaffNote>();
            Register<RequestAttachment>(map =>
            {
                // The attachment's id names its file in the attachment store; this is no document id.
                map.SetIdMember(null);
                map.GetMemberMap(a => a.Id).SetElementName("id");
            });
            Register<FollowUpTag>();
            Register<FirstOpening>();
            Register<OutboxMessage>(map => map.MapIdMember(m => m.Id).SetSerializer(new GuidSerializer(BsonType.String)));

            Register<ConversationDocument>();
            Register<RequestDocument>(map => map.GetMemberMap(d => d.PendingAudit).SetIgnoreIfNull(true));
            // Documents written before the urgency was kept have none: they read as 0 until the start-up fill (MongoIndexes.FillUrgencyAsync).
            Register<RequestSearchKeys>(map => map.GetMemberMap(k => k.Urgency).SetDefaultValue(0));
            Register<AuditDocument>();
            Register<UsageCounterDocument>();
            Register<OptOutDocument>();
            Register<AppliedInputDocument>();
            Register<KeyRingDocument>();
            Register<RateCounterDocument>();
            Register<RateBackoffDocument>();
            Register<ActivityBatchDocument>(map => map.GetMemberMap(d => d.Bytes).SetDefaultValue(0L));
            Register<StaffAccount>();
            Register<StaffAccountDocument>(map =>
            {
                map.GetMemberMap(d => d.PendingAudit).SetIgnoreIfNull(true);
                map.GetMemberMap(d => d.Removed).SetIgnoreIfNull(true);
            });
            Register<SentLink>(map => map.MapIdMember(l => l.Id));
            Register<RequestMessage>(map =>
            {
                map.MapIdMember(m => m.Id).SetSerializer(new GuidSerializer(BsonType.String));
                map.GetMemberMap(m => m.Status).SetSerializer(new NullableSerializer<DeliveryStatus>(new EnumSerializer<DeliveryStatus>(BsonType.String)));
            });

            Register<WebhookDelivery>(map => map.MapIdMember(d => d.Id));

            _registered = true;
        }
    }

    private static bool IsStoredType(Type type) =>
        type.Namespace is "PatientContact.Inbox.Requests" or "PatientContact.Inbox.Links" or "PatientContact.Inbox.Storage" or "PatientContact.Inbox.Storage.Mongo";

    private static void Register<T>(Action<BsonClassMap<T>>? adjust = null)
    {
        if (BsonClassMap.IsClassMapRegistered(typeof(T)))
        {
            throw new InvalidOperationException(
                $"{typeof(T).Name} was mapped to BSON before the MongoDB store registered its class maps; register them first.");
        }

        BsonClassMap.RegisterClassMap<T>(map =>
        {
            map.AutoMap();
            adjust?.Invoke(map);
        });
    }

    /// <summary>Moments as BSON dates, days as ISO strings, and enums with stored names by those names, whatever the driver's defaults.</summary>
    private sealed class StoredValueConvention() : ConventionBase("StoredValues"), IMemberMapConvention
    {
        private static readonly DateTimeOffsetSerializer Moment = new(BsonType.DateTime);

        public void Apply(BsonMemberMap memberMap)
        {
            var type = memberMap.MemberType;
            if (type == typeof(DateTimeOffset))
            {
                memberMap.SetSerializer(Moment);
            }
            else if (type == typeof(DateTimeOffset?))
            {
                memberMap.SetSerializer(new NullableSerializer<DateTimeOffset>(Moment));
            }
            else if (type == typeof(DateOnly))
            {
                memberMap.SetSerializer(new DateOnlySerializer(BsonType.String));
            }
            else if (type == typeof(DateOnly?))
            {
                memberMap.SetSerializer(new NullableSerializer<DateOnly>(new DateOnlySerializer(BsonType.String)));
            }
            else if (StoredNameSerializer(Nullable.GetUnderlyingType(type) ?? type) is { } named)
            {
                memberMap.SetSerializer(Nullable.GetUnderlyingType(type) is { } inner
                    ? (IBsonSerializer)Activator.CreateInstance(typeof(NullableSerializer<>).MakeGenericType(inner), named)!
                    : named);
            }
        }

        /// <summary>For an enum whose members name how they are stored (<c>JsonStringEnumMemberName</c>): those names.</summary>
        private static IBsonSerializer? StoredNameSerializer(Type type)
        {
            if (!type.IsEnum)
            {
                return null;
            }

            var declared = (bool)typeof(StoredNames<>).MakeGenericType(type).GetProperty(nameof(StoredNames<Gender>.Declared))!.GetValue(null)!;
            return declared ? (IBsonSerializer)Activator.CreateInstance(typeof(StoredNameSerializer<>).MakeGenericType(type))! : null;
        }
    }
}
