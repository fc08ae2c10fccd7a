/**
 * A minimal real Django project (Debian's python3-django) whose user model sits where SysReptor's
 * does (`sysreptor.users.models.PentestUser`, AUTH_USER_MODEL, Argon2 first in PASSWORD_HASHERS,
 * SysReptor's four validators), on SQLite: its `manage.py changepassword` is Django's own.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DJANGO_PYTHON = '/usr/bin/python3';

const FILES: Record<string, string> = {
  'manage.py': `import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
`,
  'settings.py': `import os
BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "test-only-not-secret"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "sysreptor.users"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(BASE_DIR, "db.sqlite3")}}
AUTH_USER_MODEL = "users.PentestUser"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation." + name} for name in
    ["UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"]]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
`,
  'sysreptor/__init__.py': '',
  'sysreptor/users/__init__.py': '',
  'sysreptor/users/apps.py': `from django.apps import AppConfig
class UsersConfig(AppConfig):
    name = "sysreptor.users"
    label = "users"
`,
  'sysreptor/users/models.py': `import uuid
from django.contrib.auth.models import AbstractUser
from django.db import models
class PentestUser(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    is_system_user = models.BooleanField(default=False)
`,
};

function python(cwd: string, args: string[], input?: string): string {
  const result = spawnSync(DJANGO_PYTHON, args, { cwd, input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Makes the project, migrates it and adds the users given (name → password). */
export function makeDjangoProject(users: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-django-'));
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  python(dir, ['manage.py', 'makemigrations', 'users', '-v', '0']);
  python(dir, ['manage.py', 'migrate', '-v', '0']);
  python(
    dir,
    [
      'manage.py',
      'shell',
      '-c',
      'import json, sys\nfrom sysreptor.users.models import PentestUser\nfor name, password in json.load(sys.stdin).items():\n    PentestUser.objects.create_user(username=name, password=password)',
    ],
    JSON.stringify(users),
  );
  return dir;
}

/** Django's own check_password for that user, and the stored hash's algorithm. */
export function djangoProjectCheck(
  dir: string,
  username: string,
  password: string,
): { accepted: boolean; algorithm: string } {
  return JSON.parse(
    python(
      dir,
      [
        'manage.py',
        'shell',
        '-c',
        'import json, sys\nfrom sysreptor.users.models import PentestUser\nd = json.load(sys.stdin)\nu = PentestUser.objects.get(username=d["u"])\nprint(json.dumps({"accepted": u.check_password(d["p"]), "algorithm": u.password.split("$")[0]}))',
      ],
      JSON.stringify({ u: username, p: password }),
    )
      .trim()
      .split('\n')
      .at(-1) ?? '{}',
  ) as { accepted: boolean; algorithm: string };
}
