// Image references as Kubernetes (through containerd and Docker) reads them: "nginx:1.7.9" means
// docker.io/library/nginx:1.7.9 and a reference without tag or digest means :latest. Podman would
// instead consult its short-name aliases and unqualified-search registries, which differ between
// machines, so the runtime always hands it the fully qualified name.

// The grammar of github.com/distribution/reference.
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const referencePattern = new RegExp(`^(?:(${domain})/)?(${pathComponent}(?:/${pathComponent})*)(?::(${tag}))?(?:@(${digest}))?$`);
const pathComponentPattern = new RegExp(`^${pathComponent}$`);

/** The fully qualified form of an image reference, or undefined when it is not a valid one. */
export function normalizeImage(image: string): string | undefined {
  const match = referencePattern.exec(image);
  if (!match) return undefined;
  // Groups that did not take part in the match are undefined, whatever RegExpExecArray says.
  let host = match[1] as string | undefined;
  let path = match[2];
  const imageTag = match[3] as string | undefined;
  const imageDigest = match[4] as string | undefined;
  // Docker's rule: the first component names a registry only if it looks like a host name.
  if (host !== undefined && !(host.includes(".") || host.includes(":") || host === "localhost" || host !== host.toLowerCase())) {
    if (!pathComponentPattern.test(host)) return undefined;
    path = `${host}/${path}`;
    host = undefined;
  }
  if (host === undefined || host === "index.docker.io") host = "docker.io";
  if (host === "docker.io" && !path.includes("/")) path = `library/${path}`;
  const name = `${host}/${path}`;
  if (name.length > 255) return undefined;
  if (imageDigest !== undefined) return imageTag === undefined ? `${name}@${imageDigest}` : `${name}:${imageTag}@${imageDigest}`;
  return `${name}:${imageTag ?? "latest"}`;
}
