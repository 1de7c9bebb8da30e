/**
 * Editable installs in scratch copies. `pip install -e .` puts the project's own source folder on the venv's
 * path (a `.pth` line, or a finder module mapping package names to folders), as an absolute path into the
 * user's folder. A scratch copy links the venv, so without help its tests would import the user's unedited
 * sources. These are the copy's counterparts of those folders, to put ahead on PYTHONPATH (which Python searches
 * before site-packages and before the finders that editable installs append).
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * Folders inside `root` that the venv of `root` (`.venv` or `venv`) imports from the project it was installed
 * in: for a venv linked from the user's project, those folders mapped into `root`. Empty without a venv.
 */
export function editableSourceFolders(root: string): string[] {
  for (const name of ['.venv', 'venv']) {
    const venv = path.join(root, name);
    let real: string;
    try {
      real = fs.realpathSync(venv);
    } catch {
      continue;
    }
    // The venv lives in the project it serves, so the folder holding it is that project's root.
    const projectRoot = path.dirname(real);
    const found = new Set<string>();
    for (const site of sitePackages(real)) {
      for (const p of installedPaths(site)) {
        const rel = path.relative(projectRoot, p);
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const mapped = path.join(root, rel);
        if (fs.existsSync(mapped)) found.add(mapped);
      }
    }
    return [...found];
  }
  return [];
}

function sitePackages(venv: string): string[] {
  const lib = path.join(venv, 'lib');
  let names: string[];
  try {
    names = fs.readdirSync(lib);
  } catch {
    return [];
  }
  return names.filter((n) => /^python\d/.test(n)).map((n) => path.join(lib, n, 'site-packages')).filter((p) => fs.existsSync(p));
}

/** Absolute folders named by `.pth` lines and by the MAPPING of setuptools' editable finders (package → its parent). */
function installedPaths(site: string): string[] {
  const paths: string[] = [];
  for (const name of fs.readdirSync(site)) {
    const file = path.join(site, name);
    if (name.endsWith('.pth')) {
      for (const line of read(file).split('\n').map((l) => l.trim())) if (path.isAbsolute(line)) paths.push(line);
    } else if (/^__editable__.*finder\.py$/.test(name)) {
      const mapping = /MAPPING\s*(?::[^=]*)?=\s*(\{[^}]*\})/.exec(read(file))?.[1] ?? '';
      for (const m of mapping.matchAll(/:\s*'([^']+)'|:\s*"([^"]+)"/g)) paths.push(path.dirname(m[1] ?? m[2]));
    }
  }
  return paths;
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
