namespace Mesh.ClusterSimulator;

/// <summary>One field of a protobuf message as it is on the wire.</summary>
/// <param name="Number">The field number.</param>
/// <param name="WireType">0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.</param>
/// <param name="Value">The varint or fixed value (wire types 0, 1 and 5).</param>
/// <param name="Bytes">The payload (wire type 2).</param>
public readonly record struct ProtobufField(int Number, int WireType, ulong Value, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// The protobuf wire format, read one field at a time: varints, fixed 32/64-bit values and
/// length-delimited payloads. Malformed input is a <see cref="FormatException"/>.
/// </summary>
public static class ProtobufReader
{
    public static IReadOnlyList<ProtobufField> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<ProtobufField>();
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message.Span, ref position);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            if (number <= 0)
            {
                throw new FormatException($"invalid protobuf field number {number}");
            }

            switch (wireType)
            {
                case 0:
                    fields.Add(new(number, wireType, ReadVarint(message.Span, ref position), default));
                    break;
                case 1:
                    fields.Add(new(number, wireType, ReadFixed(message.Span, ref position, 8), default));
                    break;
                case 2:
                    var length = ReadVarint(message.Span, ref position);
                    if (length > (ulong)(message.Length - position))
                    {
                        throw new FormatException("a protobuf length-delimited field runs past the end of its message");
                    }

                    fields.Add(new(number, wireType, 0, message.Slice(position, (int)length)));
                    position += (int)length;
                    break;
                case 5:
                    fields.Add(new(number, wireType, ReadFixed(message.Span, ref position, 4), default));
                    break;
                default:
                    throw new FormatException($"unsupported protobuf wire type {wireType} (field {number})");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new FormatException("a protobuf varint runs past the end of its message");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("a protobuf varint is longer than 10 bytes");
    }

    private static ulong ReadFixed(ReadOnlySpan<byte> data, ref int position, int size)
    {
        if (data.Length - position < size)
        {
            throw new FormatException("a protobuf fixed-size field runs past the end of its message");
        }

        ulong value = 0;
        for (var i = size - 1; i >= 0; i--)
        {
            value = (value << 8) | data[position + i];
        }

        position += size;
        return value;
    }
}
