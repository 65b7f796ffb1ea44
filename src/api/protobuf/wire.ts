// The protobuf wire format, read-only: tags, varints, fixed-width numbers and length-delimited
// slices (https://protobuf.dev/programming-guides/encoding/). Kubernetes uses no groups, so the
// deprecated group wire types are refused as malformed.

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  Bytes: 2,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/**
 * A malformed message. The reader throws it so that the decoding code reads as straight-line
 * field handling; `decodeProtobuf` is the one place that catches it and turns it into a 400.
 * `where` names the field being read ("spec.template.spec.containers"), offsets count from the
 * start of that field's message.
 */
export class WireError extends Error {
  constructor(where: string, problem: string, offset?: number) {
    super(`${where ? `${where}: ` : ""}${problem}${offset === undefined ? "" : ` (byte ${offset})`}`);
  }
}

export interface Tag {
  field: number;
  wireType: WireType;
}

const MAX_VARINT_BYTES = 10;

export class WireReader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** The field path the message sits at, for error messages. */
    readonly where = "",
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  get offset(): number {
    return this.pos;
  }

  tag(): Tag {
    const start = this.pos;
    const key = this.varint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field < 1 || field > 0x1fffffff) throw new WireError(this.where, `invalid field number ${field}`, start);
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) throw new WireError(this.where, `unsupported wire type ${wireType} for field ${field}`, start);
    return { field, wireType };
  }

  /** An unsigned 64-bit varint; callers reinterpret it (int32, int64, bool) with BigInt.asIntN. */
  varint(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.bytes.length) throw new WireError(this.where, "truncated varint", start);
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new WireError(this.where, "varint longer than 10 bytes", start);
  }

  fixed64(): DataView {
    return this.view(8);
  }

  fixed32(): DataView {
    return this.view(4);
  }

  /** A length-delimited field's content, as a view into the message (not a copy). */
  bytesField(): Uint8Array {
    const start = this.pos;
    const length = this.varint();
    if (length > BigInt(this.bytes.length - this.pos)) throw new WireError(this.where, `length ${length} runs past the end of the message`, start);
    const end = this.pos + Number(length);
    const slice = this.bytes.subarray(this.pos, end);
    this.pos = end;
    return slice;
  }

  /** Skips a field whose number the schema does not know: the wire type says how long it is. */
  skip(wireType: WireType): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.view(8);
        return;
      case WireType.Bytes:
        this.bytesField();
        return;
      case WireType.Fixed32:
        this.view(4);
        return;
    }
  }

  private view(size: number): DataView {
    if (this.pos + size > this.bytes.length) throw new WireError(this.where, `truncated ${size * 8}-bit value`, this.pos);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, size);
    this.pos += size;
    return view;
  }
}
