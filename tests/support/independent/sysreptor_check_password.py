#!/usr/bin/python3
"""Checks a users_pentestuser.password value the way SysReptor would, with code independent of Breakglass.

Reads one JSON document on stdin (the password never on argv):
  {"password": str, "stored_base64": str, "keys": [{"id": str, "key": base64}]}
Decrypts SysReptor's AES-GCM envelope (MAGIC C2 59 50 54 + JSON header + 00 + ciphertext + tag,
header as AAD) with python3-cryptography, then runs Django's own check_password with SysReptor's
PASSWORD_HASHERS (Debian's python3-django and python3-argon2). Prints
  {"form": "plain"|"encrypted", "key_id", "accepted": bool, "algorithm": str, "must_update": bool}
must_update is Django's own answer with one allowance: Debian bookworm's argon2-cffi 21.1 defaults to
a 16-byte Argon2 hash where 21.2+ (what SysReptor's image ships, and Django 6.0 asks for) uses 32, so
the hash length is taken from the value before Django compares the parameters; the salt-entropy
and time/memory/parallelism checks are Django's.
"""
import base64
import json
import sys

import django
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

settings.configure(PASSWORD_HASHERS=[
    'django.contrib.auth.hashers.Argon2PasswordHasher',
    'django.contrib.auth.hashers.PBKDF2PasswordHasher',
])
django.setup()
from django.contrib.auth.hashers import check_password, identify_hasher, must_update_salt  # noqa: E402

MAGIC = b'\xC2YPT'

request = json.load(sys.stdin)
stored = base64.b64decode(request['stored_base64'])
keys = {entry['id']: base64.b64decode(entry['key']) for entry in request['keys']}
form, key_id = 'plain', None
if stored.startswith(MAGIC):
    end = stored.index(b'\x00', len(MAGIC))
    header_bytes = stored[:end + 1]
    header = json.loads(stored[len(MAGIC):end])
    assert header['cipher'] == 'AES-GCM', header
    key_id = header['key_id']
    nonce = base64.b64decode(header['nonce'])
    stored = AESGCM(keys[key_id]).decrypt(nonce, stored[end + 1:], header_bytes)
    form = 'encrypted'
encoded = stored.decode('utf-8')
hasher = identify_hasher(encoded)
if hasher.algorithm == 'argon2':
    decoded = hasher.decode(encoded)
    wanted = hasher.params()
    wanted.salt_len = decoded['params'].salt_len
    wanted.hash_len = decoded['params'].hash_len
    must_update = decoded['params'] != wanted or must_update_salt(decoded['salt'], hasher.salt_entropy)
else:
    must_update = hasher.must_update(encoded)
json.dump({
    'form': form,
    'key_id': key_id,
    'nonce_bytes': len(nonce) if form == 'encrypted' else None,
    'accepted': check_password(request['password'], encoded),
    'must_update': must_update,
    'algorithm': hasher.algorithm,
}, sys.stdout)
