// Validates Kubernetes manifests offline against the API's JSON schemas, which the kubernetes-models package ships
// (no cluster, no download at run time). Every document of every .yaml file under the given folder must be an object
// of a known apiVersion and kind that its schema accepts, and have no field that its schema does not know (the
// package's validators ignore unknown fields, as the API server does unless asked; a typo such as "readinesProbe"
// would otherwise pass unseen).
//   node validate-manifests.mjs ../../samples/kubernetes
// Prints "VALID <file> <apiVersion> <kind> <name>" per object, "INVALID ..." with the reasons; exits 1 on any invalid.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const folder = process.argv[2];
if (!folder) {
  console.error("usage: node validate-manifests.mjs <folder>");
  process.exit(2);
}

// apiVersion "apps/v1" -> module "kubernetes-models/apps/v1"; the core group's "v1" -> "kubernetes-models/v1".
async function modelOf(apiVersion, kind) {
  try {
    const models = await import(`kubernetes-models/${apiVersion}`);
    return models[kind];
  } catch {
    return undefined;
  }
}

// The object wrapped so as to record which fields the schema validator reads: it reads every field its schema
// names, and lists the keys of free-form maps (labels, annotations). Any other field is one the schema does not know.
function watched(value, path, objects) {
  if (value === null || typeof value !== "object") return value;
  const entry = { path, value, read: new Set(), listed: Array.isArray(value) };
  objects.push(entry);
  const children = new Map(Object.entries(value).map(([k, v]) => [k, watched(v, `${path}/${k}`, objects)]));
  return new Proxy(value, {
    get(target, key) {
      entry.read.add(key);
      return children.has(key) ? children.get(key) : target[key];
    },
    has(target, key) {
      entry.read.add(key);
      return key in target;
    },
    ownKeys(target) {
      entry.listed = true;
      return Reflect.ownKeys(target);
    },
  });
}

function unknownFields(objects) {
  return objects
    .filter((o) => !o.listed && o.read.size > 0)
    .flatMap((o) => Object.keys(o.value).filter((k) => !o.read.has(k)).map((k) => `${o.path}/${k}`));
}

let invalid = 0;
for (const file of readdirSync(folder).filter((name) => /\.ya?ml$/.test(name)).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(folder, file), "utf8"))) {
    const where = `${file} ${doc.get("apiVersion")} ${doc.get("kind")} ${doc.getIn(["metadata", "name"])}`;
    if (doc.errors.length > 0) {
      console.log(`INVALID ${where}: ${doc.errors.map((e) => e.message).join("; ")}`);
      invalid++;
      continue;
    }
    const object = doc.toJS();
    const Model = await modelOf(object.apiVersion, object.kind);
    if (!Model) {
      console.log(`INVALID ${where}: unknown apiVersion and kind`);
      invalid++;
      continue;
    }
    try {
      const objects = [];
      Model.prototype.validate.call(watched(object, "data", objects));
      const unknown = unknownFields(objects);
      if (unknown.length > 0) throw new Error(`unknown fields: ${unknown.join(", ")}`);
      console.log(`VALID ${where}`);
    } catch (e) {
      console.log(`INVALID ${where}: ${e.message}`);
      invalid++;
    }
  }
}
process.exit(invalid > 0 ? 1 : 0);
