#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian's PKCS#11 clients against libsks-pkcs11.so, in the test VM, run as
# they are installed on the host (scripts/vm-hostroot): OpenSC's
# pkcs11-tool, GnuTLS's p11tool, python3-pykcs11, Java's SunPKCS11 and
# OpenSSL through libengine-pkcs11-openssl. Every check looks at results,
# not only at exit codes. TAP lines "ok - pkcs11 clients: ...".
#
# Built into build/selftests/pkcs11_clients_test with @TOP@ and @BUILD@
# set (the client programs are read from the host's tree over 9p).
TOP=@TOP@
BUILD=@BUILD@

if [ -z "${SKS_IN_HOSTROOT:-}" ]; then
	if ! /sks/hostroot --check 2>/dev/null; then
		echo "ok - pkcs11 clients # SKIP the host's root is not in this VM"
		exit 0
	fi
	exec /sks/hostroot env SKS_IN_HOSTROOT=1 /bin/bash "$0" "$@"
fi

set -u
M=/usr/local/lib/libsks-pkcs11.so
SO=so-secret-1
PIN=co-secret-1
V0=28
V1=29
w=$(mktemp -d)
trap 'rm -rf "$w"; skscm -c "partition delete -slot $V0 -force" >/dev/null 2>&1; skscm -c "partition delete -slot $V1 -force" >/dev/null 2>&1' EXIT
fail=0

ok() { echo "ok - pkcs11 clients: $*"; }
bad() { echo "not ok - pkcs11 clients: $*"; fail=1; }
# check WHAT CMD...: CMD's status decides; its output goes to $w/out
check() {
	what=$1
	shift
	if "$@" >"$w/out" 2>&1; then
		ok "$what"
	else
		bad "$what"
		sed 's/^/# /' "$w/out" | tail -15
	fi
}
# has FILE TEXT: FILE contains TEXT
has() { grep -q -- "$2" "$1"; }
tool() { pkcs11-tool --module "$M" "$@"; }

# Two uninitialised partitions: C_InitToken through pkcs11-tool.
skscm -c "partition create -type v0 -slot $V0" >"$w/out" 2>&1 &&
	skscm -c "partition create -type v1 -slot $V1" >>"$w/out" 2>&1 ||
	{ bad "make the partitions"; sed 's/^/# /' "$w/out"; exit 1; }

# ---- OpenSC pkcs11-tool ----
tool --list-slots >"$w/slots" 2>&1
if has "$w/slots" "sks slot $V0: partition (V0)" &&
   has "$w/slots" "sks slot $V1: SKS partition (V1)" &&
   has "$w/slots" "token state:   uninitialized"; then
	ok "pkcs11-tool --list-slots shows both partitions, uninitialised"
else
	bad "pkcs11-tool --list-slots"; sed 's/^/# /' "$w/slots"
fi
for s in $V0 $V1; do
	tool --slot $s --init-token --label "tok$s" --so-pin $SO >"$w/out" 2>&1 &&
	tool --slot $s --init-pin --login --so-pin $SO --new-pin $PIN \
		>>"$w/out" 2>&1
	if [ $? -eq 0 ] && has "$w/out" "Token successfully initialized" &&
	   has "$w/out" "User PIN successfully initialized"; then
		ok "pkcs11-tool --init-token and --init-pin on slot $s"
	else
		bad "pkcs11-tool --init-token and --init-pin on slot $s"
		sed 's/^/# /' "$w/out" | tail -10
	fi
done
tool --list-token-slots >"$w/out" 2>&1
if has "$w/out" "token label        : tok$V0" &&
   has "$w/out" "token label        : tok$V1" &&
   has "$w/out" "token flags *: login required" &&
   has "$w/out" "token flags *:.*PIN initialized" &&
   has "$w/out" "token flags *:.*token initialized"; then
	ok "pkcs11-tool --list-token-slots shows labels and flags"
else
	bad "pkcs11-tool --list-token-slots"; sed 's/^/# /' "$w/out"
fi
tool --slot $V0 --list-mechanisms >"$w/out" 2>&1
n=0
# (pkcs11-tool 0.23 names CKM_EC_KEY_PAIR_GEN by its old name and knows
# no name for CKM_SHA384_HMAC_GENERAL, 0x262)
for mech in AES-KEY-GEN AES-GCM SHA256-HMAC mechtype-0x262 SHA512 \
	    ECDSA-KEY-PAIR-GEN ECDSA-SHA256 ECDSA-SHA384 ECDH1-DERIVE \
	    GENERIC-SECRET-KEY-GEN; do
	has "$w/out" "^  *$mech" && n=$((n + 1))
done
if [ $n -eq 10 ]; then
	ok "pkcs11-tool --list-mechanisms lists the mechanisms"
else
	bad "pkcs11-tool --list-mechanisms ($n of 10)"; sed 's/^/# /' "$w/out"
fi
if tool --slot $V0 --login --pin wrong-pin-x --list-objects >"$w/out" 2>&1 ||
   ! has "$w/out" CKR_PIN_INCORRECT; then
	bad "pkcs11-tool --login with a wrong PIN fails with CKR_PIN_INCORRECT"
	sed 's/^/# /' "$w/out"
else
	ok "pkcs11-tool --login with a wrong PIN fails with CKR_PIN_INCORRECT"
fi
L="--slot $V0 --login --pin $PIN"
tool $L --keygen --key-type AES:32 --label aeskey --id 01 >"$w/out" 2>&1
if [ $? -eq 0 ] && has "$w/out" "Key generated" &&
   has "$w/out" "AES length 32"; then
	ok "pkcs11-tool --keygen AES:32 makes a token key"
else
	bad "pkcs11-tool --keygen AES:32"; sed 's/^/# /' "$w/out"
fi
# HMAC: a generic secret made in sks, a MAC, its verification (pkcs11-tool
# 0.23 cannot import a generic secret: the known-answer HMAC checks are
# pykcs11's and the C tests'; Java's MAC must equal this one)
printf 'message for the mac' >"$w/msg"
tool $L --keygen --key-type GENERIC:32 --label mackey --id 03 --usage-sign \
	>"$w/out" 2>&1
tool $L --sign -m SHA256-HMAC --id 03 -i "$w/msg" -o "$w/mac" \
	>>"$w/out" 2>&1
want=$(od -An -tx1 -v "$w/mac" 2>/dev/null | tr -d ' \n')
tool $L --verify -m SHA256-HMAC --id 03 -i "$w/msg" \
	--signature-file "$w/mac" >>"$w/out" 2>&1
printf 'message for the maC' >"$w/msg2"
tool $L --verify -m SHA256-HMAC --id 03 -i "$w/msg2" \
	--signature-file "$w/mac" >"$w/out2" 2>&1
if [ ${#want} -eq 64 ] && has "$w/out" "Signature is valid" &&
   has "$w/out2" "Invalid signature"; then
	ok "pkcs11-tool SHA256-HMAC --sign and --verify with a GENERIC:32 key"
else
	bad "pkcs11-tool SHA256-HMAC --sign and --verify ($want)"
	sed 's/^/# /' "$w/out" "$w/out2"
fi
# AES-GCM: pkcs11-tool 0.23 (Debian 12) encrypts only with ECB/CBC (GCM
# came in 0.24); sks's GCM is exercised by pykcs11, Java and the C tests.
tool $L --encrypt -m AES-GCM --label aeskey -i "$w/msg" -o "$w/ct" \
	>"$w/out" 2>&1
if has "$w/out" "AES-GCM illegal or not supported"; then
	ok "pkcs11-tool --encrypt -m AES-GCM # SKIP pkcs11-tool 0.23 has no GCM in --encrypt"
elif [ -s "$w/ct" ]; then
	ok "pkcs11-tool --encrypt -m AES-GCM"
else
	bad "pkcs11-tool --encrypt -m AES-GCM"; sed 's/^/# /' "$w/out"
fi
# EC key pair with pkcs11-tool's default usages (the README's command:
# CKA_DERIVE on both keys), ECDSA signature checked by OpenSSL
tool $L --keypairgen --key-type EC:prime256v1 --label eckey --id 02 \
	>"$w/out" 2>&1
if [ $? -eq 0 ] && has "$w/out" "EC_POINT 256 bits"; then
	ok "pkcs11-tool --keypairgen EC:prime256v1"
else
	bad "pkcs11-tool --keypairgen EC:prime256v1"; sed 's/^/# /' "$w/out"
fi
tool --slot $V0 --read-object --type pubkey --label eckey -o "$w/pub.der" \
	>"$w/out" 2>&1
openssl pkey -pubin -inform DER -in "$w/pub.der" -out "$w/pub.pem" \
	>>"$w/out" 2>&1
tool $L --sign -m ECDSA-SHA256 --id 02 -i "$w/msg" -o "$w/sig" \
	--signature-format openssl >>"$w/out" 2>&1
check "pkcs11-tool ECDSA-SHA256 signature verifies with openssl dgst" \
	openssl dgst -sha256 -verify "$w/pub.pem" -signature "$w/sig" "$w/msg"
tool $L --list-objects >"$w/objs" 2>&1
if has "$w/objs" "label:      aeskey" && has "$w/objs" "label:      mackey" &&
   has "$w/objs" "label:      eckey" && has "$w/objs" "Private Key Object; EC"; then
	ok "pkcs11-tool --list-objects lists the keys"
else
	bad "pkcs11-tool --list-objects"; sed 's/^/# /' "$w/objs"
fi
tool $L --test >"$w/out" 2>&1
if [ $? -eq 0 ] && has "$w/out" "No errors" &&
   has "$w/out" "SHA256: OK" && has "$w/out" "seems to be OK"; then
	ok "pkcs11-tool --test: No errors (random, digests)"
else
	bad "pkcs11-tool --test"; sed 's/^/# /' "$w/out" | tail -20
fi

# ---- p11-kit: the module file make install puts in place (written into
# the guest's overlay of the host's root, not on the host) ----
sed "s|@PKCS11DIR@|/usr/local/lib|" "$TOP/pkcs11/sks.module.in" \
	>/usr/share/p11-kit/modules/sks.module
p11-kit list-modules >"$w/out" 2>&1
if has "$w/out" "^sks: /usr/local/lib/libsks-pkcs11.so" &&
   has "$w/out" "library-manufacturer: sks" &&
   has "$w/out" "token: tok$V0"; then
	ok "p11-kit list-modules shows the sks module and its tokens"
else
	bad "p11-kit list-modules"; sed 's/^/# /' "$w/out" | tail -30
fi

# ---- GnuTLS p11tool ----
P="--provider $M"
# (without --provider: through p11-kit and the module file above)
p11tool --list-tokens >"$w/out" 2>&1
if has "$w/out" "Label: tok$V0" && has "$w/out" "Label: tok$V1" &&
   has "$w/out" "Manufacturer: sks"; then
	ok "p11tool --list-tokens (p11-kit's modules) shows both tokens"
else
	bad "p11tool --list-tokens"; sed 's/^/# /' "$w/out"
fi
GNUTLS_PIN=$PIN p11tool $P --login --list-all "pkcs11:token=tok$V0" \
	>"$w/out" 2>&1
if has "$w/out" "Label: aeskey" && has "$w/out" "Label: eckey" &&
   has "$w/out" "Type: Private key (EC" && has "$w/out" "Type: Secret key"; then
	ok "p11tool --login --list-all lists the keys"
else
	bad "p11tool --login --list-all"; sed 's/^/# /' "$w/out"
fi

# ---- python3-pykcs11 ----
/usr/bin/python3 "$TOP/selftests/pkcs11_clients/pykcs11_test.py" "$M" $V1 $V0 \
	$PIN "$w" >"$w/py" 2>&1
r=$?
grep -E '^(ok|not ok)' "$w/py"
if [ $r -ne 0 ] || ! grep -q '^# pykcs11: all checks ran' "$w/py"; then
	bad "the pykcs11 script ran to its end"
	grep -v -E '^(ok|not ok)' "$w/py" | sed 's/^/# /' | tail -15
fi

# ---- Java SunPKCS11 ----
if [ -f "$BUILD/pkcs11-java/SksPkcs11Client.class" ]; then
	java -cp "$BUILD/pkcs11-java" SksPkcs11Client "$M" $V0 $PIN \
		"$w/java-gcm.bin" "$want" >"$w/java" 2>&1
	r=$?
	grep -E '^(ok|not ok)' "$w/java"
	if [ $r -ne 0 ] || ! grep -q '^# java: all checks ran' "$w/java"; then
		bad "the Java client ran to its end"
		grep -v -E '^(ok|not ok)' "$w/java" | sed 's/^/# /' | tail -15
	fi
else
	bad "the Java client was built ($BUILD/pkcs11-java)"
fi

# ---- OpenSSL with libengine-pkcs11-openssl: a CSR signed by sks ----
cat >"$w/openssl.cnf" <<EOF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so
MODULE_PATH = $M
PIN = $PIN
init = 0
[req]
distinguished_name = dn
[dn]
EOF
key="pkcs11:token=tok$V0;object=eckey;type=private"
OPENSSL_CONF="$w/openssl.cnf" openssl req -new -engine pkcs11 -keyform engine \
	-key "$key" -subj "/O=sks/CN=organisation identity" -out "$w/req.pem" \
	>"$w/out" 2>&1
openssl req -in "$w/req.pem" -verify -noout >>"$w/out" 2>&1 &&
	openssl req -in "$w/req.pem" -pubkey -noout >"$w/req-pub.pem" 2>>"$w/out"
if has "$w/out" "verify OK" && cmp -s "$w/req-pub.pem" "$w/pub.pem"; then
	ok "openssl req with the pkcs11 engine: a CSR signed by the sks key verifies"
else
	bad "openssl req with the pkcs11 engine"; sed 's/^/# /' "$w/out" | tail
fi
OPENSSL_CONF="$w/openssl.cnf" openssl x509 -req -engine pkcs11 \
	-signkey "$key" -keyform engine -in "$w/req.pem" -days 1 \
	-out "$w/cert.pem" >"$w/out" 2>&1
OPENSSL_CONF="$w/openssl.cnf" openssl dgst -sha256 -engine pkcs11 \
	-keyform engine -sign "$key" -out "$w/doc.sig" "$w/msg" >>"$w/out" 2>&1
openssl x509 -in "$w/cert.pem" -pubkey -noout >"$w/cert-pub.pem" 2>>"$w/out"
check "openssl dgst -sign with the engine verifies with the self-signed certificate" \
	openssl dgst -sha256 -verify "$w/cert-pub.pem" -signature "$w/doc.sig" \
	"$w/msg"
check "the self-signed certificate verifies" \
	openssl verify -CAfile "$w/cert.pem" "$w/cert.pem"

# ---- delete ----
tool $L --delete-object --type secrkey --label aeskey >"$w/out" 2>&1
tool $L --list-objects >"$w/objs" 2>&1
if ! has "$w/objs" "label:      aeskey" && has "$w/objs" "label:      mackey"; then
	ok "pkcs11-tool --delete-object removes the key"
else
	bad "pkcs11-tool --delete-object"; sed 's/^/# /' "$w/out" "$w/objs"
fi
exit $fail
