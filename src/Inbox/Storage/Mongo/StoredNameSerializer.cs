using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using PatientContact.Inbox.Requests;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>An enum kept as its stored name (<see cref="StoredNames{TEnum}"/>), as the words were before it was an enum.</summary>
internal sealed class StoredNameSerializer<TEnum> : StructSerializerBase<TEnum>
    where TEnum : struct, Enum
{
    public override TEnum Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args) =>
        StoredNames<TEnum>.Read(context.Reader.ReadString());

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, TEnum value) =>
        context.Writer.WriteString(StoredNames<TEnum>.Of(value));
}
