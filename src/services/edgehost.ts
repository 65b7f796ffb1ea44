// Which Service a Host names at the edge: {name}.{namespace}.{domain}, nothing else.

export interface EdgeAddress {
  name: string;
  namespace: string;
}

/** The Service a Host names, when it is {name}.{namespace}.{domain}. */
export function edgeAddress(host: string, domain: string): EdgeAddress | undefined {
  const hostname = host.replace(/:\d+$/, "").replace(/\.$/, "").toLowerCase();
  const suffix = `.${domain}`;
  if (!domain || !hostname.endsWith(suffix)) return undefined;
  const labels = hostname.slice(0, -suffix.length).split(".");
  if (labels.length !== 2 || labels.some((l) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l))) return undefined;
  return { name: labels[0], namespace: labels[1] };
}
