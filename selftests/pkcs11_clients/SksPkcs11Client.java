// SPDX-License-Identifier: GPL-2.0
//
// Java (SunPKCS11, configured with a config naming libsks-pkcs11.so)
// against sks: the keys are token objects of a V0 partition found in the
// provider's KeyStore by label; AES/GCM and HmacSHA256 through the provider.
// Prints one TAP line per check.
//
// Usage: java SksPkcs11Client MODULE SLOT PIN GCM_FILE HMAC_HEX (the MAC
// pkcs11-tool made of "message for the mac" with the key "mackey")
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

public class SksPkcs11Client {
    static int failed = 0;

    static void check(boolean ok, String what) {
        System.out.println((ok ? "ok" : "not ok") + " - java: " + what);
        if (!ok)
            failed++;
    }

    public static void main(String[] args) throws Exception {
        String cfg = "--name=sks\nlibrary=" + args[0] + "\nslot=" + args[1]
                + "\n";
        Provider p = Security.getProvider("SunPKCS11").configure(cfg);
        check(p != null, "SunPKCS11 loads the module");
        KeyStore ks = KeyStore.getInstance("PKCS11", p);
        ks.load(null, args[2].toCharArray());
        SecretKey aes = (SecretKey) ks.getKey("aeskey", null);
        SecretKey mac = (SecretKey) ks.getKey("mackey", null);
        check(aes != null && mac != null, "the KeyStore finds the token keys");

        // AES/GCM decryption of what sks encrypted (IV || ciphertext || tag)
        byte[] in = Files.readAllBytes(Paths.get(args[3]));
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
        c.init(Cipher.DECRYPT_MODE, aes,
               new GCMParameterSpec(128, Arrays.copyOf(in, 12)));
        byte[] pt = c.doFinal(in, 12, in.length - 12);
        check(new String(pt, "UTF-8").equals("hello from sks via pykcs11"),
              "AES/GCM decrypts sks's ciphertext");
        in[20] ^= 1;
        try {
            c.init(Cipher.DECRYPT_MODE, aes,
                   new GCMParameterSpec(128, Arrays.copyOf(in, 12)));
            c.doFinal(in, 12, in.length - 12);
            check(false, "AES/GCM refuses a changed ciphertext");
        } catch (javax.crypto.AEADBadTagException e) {
            check(true, "AES/GCM refuses a changed ciphertext");
        }
        // sks chooses every IV itself: an IV of Java's is refused at init
        try {
            c.init(Cipher.ENCRYPT_MODE, aes);
            check(false, "AES/GCM encryption under Java's IV is refused");
        } catch (java.security.InvalidKeyException e) {
            check(true, "AES/GCM encryption under Java's IV is refused");
        }

        // HmacSHA256 through the provider, against OpenSSL's MAC
        Mac m = Mac.getInstance("HmacSHA256", p);
        m.init(mac);
        byte[] got = m.doFinal("message for the mac".getBytes("UTF-8"));
        check(HexFormat.of().formatHex(got).equals(args[4]),
              "HmacSHA256 equals pkcs11-tool's MAC of the key");
        System.out.println("# java: all checks ran");
        System.exit(failed == 0 ? 0 : 1);
    }
}
