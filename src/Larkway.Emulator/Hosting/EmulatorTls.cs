using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Larkway.Emulator.Hosting;

/// <summary>
/// The TLS listener's certificates, made at first start and kept as PEM files: a local certificate authority (what a
/// user trusts, once) and a server certificate it signs. The authority is name-constrained to the names and addresses
/// the server certificate carries (<see cref="EmulatorTlsNameConstraints"/>), so trusting it machine-wide lets it vouch
/// for those local names only. It is kept while its files are readable and it permits every name asked for, so a trust
/// set up once keeps working; the server certificate is issued again from it when it nears its end or does not name a
/// host the emulator is asked to serve.
/// </summary>
public sealed class EmulatorTls
{
    /// <summary>The authority's certificate (PEM): what clients are told to trust.</summary>
    public const string AuthorityFileName = "larkway-emulator-ca.pem";

    /// <summary>The authority's private key (PKCS#8 PEM, owner-only on Unix).</summary>
    public const string AuthorityKeyFileName = "larkway-emulator-ca.key.pem";

    /// <summary>The server certificate Kestrel presents (PEM).</summary>
    public const string ServerFileName = "larkway-emulator-tls.pem";

    /// <summary>The server certificate's private key (PKCS#8 PEM, owner-only on Unix).</summary>
    public const string ServerKeyFileName = "larkway-emulator-tls.key.pem";

    /// <summary>Names every server certificate carries besides the configured ones.</summary>
    public static readonly IReadOnlyList<string> LoopbackNames = ["localhost", "127.0.0.1", "::1"];

    // Apple platforms refuse TLS server certificates valid for more than 825 days, and browsers 398 for public ones:
    // 397 days works everywhere. Issued again once less than a month is left, from the same authority.
    private static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(397);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);
    private static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(3650);

    private EmulatorTls(string folder, X509Certificate2 server, bool authorityCreated, bool serverIssued)
    {
        Folder = folder;
        ServerCertificate = server;
        AuthorityCreated = authorityCreated;
        ServerIssued = serverIssued;
    }

    /// <summary>The folder the PEM files live in (full path).</summary>
    public string Folder { get; }

    /// <summary>The full path of the authority's certificate: trust this file (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, …).</summary>
    public string AuthorityFile => Path.Combine(Folder, AuthorityFileName);

    /// <summary>The certificate (with its key) the TLS listener presents.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>
    /// True when this start made a new authority: nothing was kept in <see cref="Folder"/>, or the kept one does not permit
    /// a name asked for (a new <c>--tls-host</c>, or an authority made without name constraints); its key is then replaced.
    /// </summary>
    public bool AuthorityCreated { get; }

    /// <summary>True when this start issued a new server certificate (none kept, near its end, or a host name missing).</summary>
    public bool ServerIssued { get; }

    /// <summary>
    /// The folder TLS files are kept in: the configured one, else the state file's folder (the emulator's data), else a
    /// per-user folder, so a certificate trusted once is found again on the next start.
    /// </summary>
    public static string FolderFor(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.TlsFolder))
        {
            return Path.GetFullPath(options.TlsFolder);
        }

        if (options.StateFile is { } stateFile && Path.GetDirectoryName(Path.GetFullPath(stateFile)) is { Length: > 0 } dataFolder)
        {
            return dataFolder;
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "larkway", "emulator");
    }

    /// <summary>Reads the kept certificates, making or renewing what is missing; throws <see cref="EmulatorTlsException"/> naming a file it cannot use.</summary>
    public static EmulatorTls LoadOrCreate(string folder, IEnumerable<string> hostNames, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        ArgumentNullException.ThrowIfNull(time);
        var names = LoopbackNames.Concat(hostNames.Select(h => h.Trim()).Where(h => h.Length > 0)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.FirstOrDefault(n => Uri.CheckHostName(n) is UriHostNameType.Unknown or UriHostNameType.Basic) is { } bad)
        {
            throw new EmulatorTlsException($"TLS host name '{bad}' (--tls-host, TlsHostNames) is neither a DNS name nor an IP address.");
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EmulatorTlsException($"The TLS folder {folder} cannot be created: {ex.Message}", ex);
        }

        var now = time.GetUtcNow();
        var authorityCreated = false;
        var kept = ReadPair(folder, AuthorityFileName, AuthorityKeyFileName);
        if (kept is not null && !EmulatorTlsNameConstraints.Permit(kept, names))
        {
            // It cannot vouch for a name asked for, or it could vouch for any (made before authorities were constrained):
            // a new one replaces it, and its key is overwritten so the old trust cannot be used to sign anything again.
            kept.Dispose();
            kept = null;
        }

        using var authority = kept ?? CreateAuthority(folder, names, now, out authorityCreated);
        var server = authorityCreated ? null : ReadPair(folder, ServerFileName, ServerKeyFileName);
        if (server is not null && IsUsable(server, authority, names, now))
        {
            return new EmulatorTls(folder, Exportable(server), authorityCreated, serverIssued: false);
        }

        server?.Dispose();
        return new EmulatorTls(folder, IssueServer(folder, authority, names, now), authorityCreated, serverIssued: true);
    }

    /// <summary>A certificate and key read from two PEM files; null when either is missing.</summary>
    private static X509Certificate2? ReadPair(string folder, string certificateFile, string keyFile)
    {
        var certificatePath = Path.Combine(folder, certificateFile);
        var keyPath = Path.Combine(folder, keyFile);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new EmulatorTlsException(
                $"The TLS certificate {certificatePath} (key {keyPath}) cannot be read: {ex.Message}. Delete both files to make new ones (clients must then trust the new {AuthorityFileName}).",
                ex);
        }
    }

    private static X509Certificate2 CreateAuthority(string folder, IReadOnlyList<string> names, DateTimeOffset now, out bool created)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Larkway Emulator local CA, O=Larkway", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // What a machine-wide trust of it means: it vouches for the server certificate's names only (critical, so a client
        // that cannot read the constraint refuses the authority rather than ignore it)…
        request.CertificateExtensions.Add(EmulatorTlsNameConstraints.Create(names));

        // …and for TLS servers only: OpenSSL, NSS, Windows and Go read an authority's extended key usage as a limit on
        // what it signs, so it cannot vouch for e-mail (S/MIME) or code, whose names the constraint above does not cover.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        var authority = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(AuthorityLifetime));
        WritePair(folder, AuthorityFileName, AuthorityKeyFileName, authority, key.ExportPkcs8PrivateKeyPem());
        created = true;
        return authority;
    }

    private static X509Certificate2 IssueServer(string folder, X509Certificate2 authority, IReadOnlyList<string> names, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Larkway Emulator, O=Larkway", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // Python 3.13's strict verification wants the authority key identifier on every certificate below a root.
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        var notAfter = now.Add(ServerLifetime) < authority.NotAfter ? now.Add(ServerLifetime) : new DateTimeOffset(authority.NotAfter.ToUniversalTime());
        using var unkeyed = request.Create(authority, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        using var server = unkeyed.CopyWithPrivateKey(key);
        WritePair(folder, ServerFileName, ServerKeyFileName, server, key.ExportPkcs8PrivateKeyPem());
        return Exportable(server);
    }

    /// <summary>A kept server certificate is used again when the authority signed it, it is not near its end, and it names every host.</summary>
    private static bool IsUsable(X509Certificate2 server, X509Certificate2 authority, IReadOnlyList<string> names, DateTimeOffset now)
    {
        if (server.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore || server.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        if (!chain.Build(server))
        {
            return false;
        }

        var san = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return false;
        }

        var dns = san.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var addresses = san.EnumerateIPAddresses().ToHashSet();
        return names.All(n => IPAddress.TryParse(n, out var address) ? addresses.Contains(address) : dns.Contains(n));
    }

    /// <summary>Writes a certificate and its key; the key is readable by its owner only (Unix), and each file appears whole.</summary>
    private static void WritePair(string folder, string certificateFile, string keyFile, X509Certificate2 certificate, string keyPem)
    {
        try
        {
            WriteWhole(Path.Combine(folder, keyFile), keyPem, ownerOnly: true);
            WriteWhole(Path.Combine(folder, certificateFile), certificate.ExportCertificatePem() + "\n", ownerOnly: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EmulatorTlsException($"The TLS certificate cannot be written to {folder}: {ex.Message}", ex);
        }
    }

    private static void WriteWhole(string path, string text, bool ownerOnly) =>
        WriteWhole(path, text, ownerOnly, $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="temporary"/>, then moves it over <paramref name="path"/>. The
    /// temporary file is made new (<c>O_CREAT|O_EXCL</c>): anything already there — a symbolic link planted by whoever can
    /// write to the folder, even one pointing nowhere — fails the write instead of being followed, and a key file is made
    /// owner-only as it is created, never readable for a moment. The move replaces a link at <paramref name="path"/>
    /// itself, never its target.
    /// </summary>
    internal static void WriteWhole(string path, string text, bool ownerOnly, string temporary)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var moved = false;
        var created = false;
        try
        {
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                created = true;
                writer.Write(text);
            }

            File.Move(temporary, path, overwrite: true);
            moved = true;
        }
        finally
        {
            if (created && !moved)
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>A copy whose key SslStream can use on every platform (Windows refuses an ephemeral PEM key).</summary>
    private static X509Certificate2 Exportable(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
}

/// <summary>The TLS listener's certificate folder or files cannot be used; the message names the file and what to do.</summary>
public sealed class EmulatorTlsException : IOException
{
    public EmulatorTlsException(string message)
        : base(message)
    {
    }

    public EmulatorTlsException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
