#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# python3-pykcs11 against libsks-pkcs11.so: generate, encrypt, decrypt,
# sign, verify, find and destroy, each result checked. Prints one TAP line
# per check ("ok - pykcs11: ..."), and writes the AES-GCM ciphertext of a
# token key for the Java client to decrypt.
#
# Usage: pykcs11_test.py MODULE SLOT_V1 SLOT_V0 PIN OUT_DIR
import hashlib
import hmac
import os
import sys

import PyKCS11
from PyKCS11 import LowLevel

module, slot_v1, slot_v0, pin, out = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4], sys.argv[5]
failed = 0


def check(ok, what, detail=""):
    global failed
    print(("ok" if ok else "not ok") + " - pykcs11: " + what)
    if not ok:
        failed += 1
        if detail:
            print("# " + str(detail))


lib = PyKCS11.PyKCS11Lib()
lib.load(module)
slots = lib.getSlotList(tokenPresent=True)
check(slot_v1 in slots and slot_v0 in slots, "both partitions are slots",
      slots)

s = lib.openSession(slot_v1, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
s.login(pin)

# generate an AES key (a session object: a V1 partition keeps no others)
aes = s.generateKey([
    (PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
    (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_AES),
    (PyKCS11.CKA_VALUE_LEN, 32),
    (PyKCS11.CKA_LABEL, "py-aes"),
    (PyKCS11.CKA_ENCRYPT, True),
    (PyKCS11.CKA_DECRYPT, True),
], PyKCS11.Mechanism(PyKCS11.CKM_AES_KEY_GEN, None))
check(s.getAttributeValue(aes, [PyKCS11.CKA_VALUE_LEN])[0] == 32,
      "generated an AES-256 key")

# AES-GCM: the device's IV comes back in the parameters' IV buffer
msg = b"a record for the external database " * 10
mech = PyKCS11.AES_GCM_Mechanism(bytes(12), b"header", 128)
ct = bytes(s.encrypt(aes, msg, mech))
iv = bytes(mech._source_iv)
check(len(ct) == len(msg) + 16, "AES-GCM ciphertext is plaintext + tag")
check(iv != bytes(12), "the device's IV is returned", iv.hex())
pt = bytes(s.decrypt(aes, ct, PyKCS11.AES_GCM_Mechanism(iv, b"header", 128)))
check(pt == msg, "AES-GCM decrypts to the plaintext")
try:
    s.decrypt(aes, ct, PyKCS11.AES_GCM_Mechanism(iv, b"HEADER", 128))
    check(False, "a wrong AAD is refused")
except PyKCS11.PyKCS11Error as e:
    check(e.value == PyKCS11.CKR_ENCRYPTED_DATA_INVALID,
          "a wrong AAD is refused (CKR_ENCRYPTED_DATA_INVALID)", e)

# HMAC with an imported key, checked against Python's hmac
key = os.urandom(32)
mk = s.createObject([
    (PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
    (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_GENERIC_SECRET),
    (PyKCS11.CKA_VALUE, key),
    (PyKCS11.CKA_LABEL, "py-mac"),
    (PyKCS11.CKA_SIGN, True),
    (PyKCS11.CKA_VERIFY, True),
])
mac = bytes(s.sign(mk, msg, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_HMAC, None)))
check(mac == hmac.new(key, msg, hashlib.sha256).digest(),
      "SHA256-HMAC equals Python's hmac")
check(s.verify(mk, msg, mac, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_HMAC, None)),
      "SHA256-HMAC verifies")
check(not s.verify(mk, msg + b"!", mac,
                   PyKCS11.Mechanism(PyKCS11.CKM_SHA256_HMAC, None)),
      "a changed message does not verify")
# (pykcs11 gives None for CKR_ATTRIBUTE_SENSITIVE)
v = s.getAttributeValue(mk, [PyKCS11.CKA_VALUE, PyKCS11.CKA_LABEL])
check(v[0] is None and v[1] == "py-mac",
      "the key value is not readable, the label is", v)

# ECDSA P-256
pub, priv = s.generateKeyPair(
    [(PyKCS11.CKA_EC_PARAMS, bytes.fromhex("06082a8648ce3d030107")),
     (PyKCS11.CKA_VERIFY, True), (PyKCS11.CKA_LABEL, "py-ec")],
    [(PyKCS11.CKA_SIGN, True), (PyKCS11.CKA_LABEL, "py-ec")],
    PyKCS11.Mechanism(PyKCS11.CKM_EC_KEY_PAIR_GEN, None))
sig = bytes(s.sign(priv, msg, PyKCS11.Mechanism(PyKCS11.CKM_ECDSA_SHA256, None)))
check(len(sig) == 64, "ECDSA-SHA256 gives r || s")
check(s.verify(pub, msg, sig, PyKCS11.Mechanism(PyKCS11.CKM_ECDSA_SHA256, None)),
      "ECDSA-SHA256 verifies with the public key")

# find by label and by a boolean, destroy
found = s.findObjects([(PyKCS11.CKA_LABEL, "py-ec")])
def describe(objs):
    return sorted((s.getAttributeValue(o, [PyKCS11.CKA_CLASS])[0],
                   s.getAttributeValue(o, [PyKCS11.CKA_LABEL])[0])
                  for o in objs)


check(describe(found) == [(PyKCS11.CKO_PUBLIC_KEY, "py-ec"),
                          (PyKCS11.CKO_PRIVATE_KEY, "py-ec")],
      "find by label gives both EC keys", describe(found))
found = s.findObjects([(PyKCS11.CKA_SIGN, True)])
check(describe(found) == [(PyKCS11.CKO_PRIVATE_KEY, "py-ec"),
                          (PyKCS11.CKO_SECRET_KEY, "py-mac")],
      "find by CKA_SIGN gives the signing keys", describe(found))
for o in (aes, mk, pub, priv):
    s.destroyObject(o)
check(s.findObjects([]) == [], "destroyed objects are gone")
s.logout()
s.closeSession()

# the token key of the V0 partition (pkcs11-tool made it): a ciphertext for
# the Java client
s = lib.openSession(slot_v0, PyKCS11.CKF_SERIAL_SESSION)
s.login(pin)
found = s.findObjects([(PyKCS11.CKA_LABEL, "aeskey"),
                       (PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY)])
check(len(found) == 1, "the token key made by pkcs11-tool is found")
if found:
    mech = PyKCS11.AES_GCM_Mechanism(bytes(12), b"", 128)
    ct = bytes(s.encrypt(found[0], b"hello from sks via pykcs11", mech))
    with open(os.path.join(out, "java-gcm.bin"), "wb") as f:
        f.write(bytes(mech._source_iv) + ct)
s.logout()
s.closeSession()
print("# pykcs11: all checks ran")
sys.exit(1 if failed else 0)
