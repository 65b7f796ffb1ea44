// $(VAR) references in env values, command and args, as Kubernetes expands them
// (third_party/forked/golang/expansion): $(NAME) becomes the variable's value when it is
// defined and stays as written when not; $$ is an escaped $; any other $ is literal.
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advanceBy = 1;
    if (rest[0] === "$") {
      out += "$";
    } else if (rest[0] === "(") {
      const close = rest.indexOf(")");
      if (close > 0) {
        const name = rest.slice(1, close);
        out += lookup(name) ?? `$(${name})`;
        advanceBy = close + 1;
      } else {
        out += "$(";
      }
    } else {
      out += "$" + rest[0];
    }
    cursor += advanceBy;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** A lookup over name/value pairs where a later pair wins, as in a container's env list. */
export function envLookup(env: { name: string; value: string }[]): (name: string) => string | undefined {
  const map = new Map(env.map((e) => [e.name, e.value]));
  return (name) => map.get(name);
}
