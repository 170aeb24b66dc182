using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace PatientContact.Conversation.Channels.WebChat;

/// <summary>
/// The files the link page loads, all from this origin under <see cref="RequestPath"/>: the Web Chat
/// bundle, the NHS.UK styles and icon from npm's <c>node_modules</c> (installed from the lockfile,
/// never committed), and this channel's own script and styles from <c>wwwroot/webchat</c>. Only these
/// files are served; each URL carries a hash of the file, so browsers may cache it for good.
/// </summary>
public sealed partial class WebChatAssets
{
    public const string RequestPath = "/webchat";
    public const string Bundle = "webchat-minimal.js";
    public const string NhsStyles = "nhsuk-frontend.min.css";
    public const string Icon = "favicon.svg";
    public const string Script = "chat.js";
    public const string Styles = "chat.css";
    public const string PrintableStyles = "printable.css";
    public const string PrintableScript = "printable.js";

    private readonly Dictionary<string, Asset> _assets;

    public WebChatAssets(IOptions<WebChatOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        NodeModules = FindNodeModules(options.Value.NodeModulesPath, environment.ContentRootPath)
            ?? throw new InvalidOperationException(NotFoundMessage(options.Value.NodeModulesPath, environment.ContentRootPath));
        var nhsuk = Path.Combine(NodeModules, "nhsuk-frontend", "dist", "nhsuk");
        var own = Path.Combine(environment.ContentRootPath, "wwwroot", "webchat");
        _assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
        {
            [Bundle] = Load(Path.Combine(NodeModules, "botframework-webchat", "dist", Bundle)),
            // The NHS.UK styles fetch the Frutiger font from assets.nhs.uk. The page loads nothing from
            // elsewhere, so those @font-face rules are left out and text falls back to Arial, as NHS.UK
            // pages do when Frutiger is not available.
            [NhsStyles] = Load(Path.Combine(nhsuk, NhsStyles), css => FontFaceRule().Replace(css, string.Empty)),
            [Icon] = Load(Path.Combine(nhsuk, "assets", "images", Icon)),
            [Script] = Load(Path.Combine(own, Script)),
            [Styles] = Load(Path.Combine(own, Styles)),
            [PrintableStyles] = Load(Path.Combine(own, PrintableStyles)),
            [PrintableScript] = Load(Path.Combine(own, PrintableScript)),
        };
        FileProvider = new AllowListFileProvider(_assets.ToDictionary(a => "/" + a.Key, a => a.Value, StringComparer.Ordinal));
    }

    /// <summary>The node_modules folder in use.</summary>
    public string NodeModules { get; }

    /// <summary>Serves exactly the files above and nothing else.</summary>
    public IFileProvider FileProvider { get; }

    /// <summary>The URL of an asset, with its version.</summary>
    public string Url(string name) => $"{RequestPath}/{name}?v={_assets[name].Version}";

    /// <summary>
    /// The configured folder, or the first <c>node_modules</c> holding the Web Chat bundle found in the
    /// content root or above it (the repository root when run from <c>src/Conversation</c>).
    /// </summary>
    public static string? FindNodeModules(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(Path.Combine(contentRoot, configured));
            return HasBundle(path) ? path : null;
        }

        for (var directory = new DirectoryInfo(contentRoot); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "node_modules");
            if (HasBundle(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string NotFoundMessage(string? configured, string contentRoot) => string.IsNullOrWhiteSpace(configured)
        ? $"The Web Chat bundle (node_modules/botframework-webchat/dist/{Bundle}) was not found in {contentRoot} or any folder above it. Run 'npm ci --ignore-scripts' at the repository root, or set WebChat:NodeModulesPath."
        : $"WebChat:NodeModulesPath '{configured}' has no botframework-webchat/dist/{Bundle}. Run 'npm ci --ignore-scripts' where the package.json is, or correct the setting.";

    private static bool HasBundle(string nodeModules) => File.Exists(Path.Combine(nodeModules, "botframework-webchat", "dist", Bundle));

    /// <summary>A file served as it is on disk, or (with <paramref name="rewrite"/>) a changed copy kept in memory.</summary>
    private static Asset Load(string path, Func<string, string>? rewrite = null)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The web chat asset {path} is missing.");
        }

        if (rewrite is not null)
        {
            var content = Encoding.UTF8.GetBytes(rewrite(File.ReadAllText(path)));
            return new Asset(new MemoryFileInfo(Path.GetFileName(path), content, File.GetLastWriteTimeUtc(path)), Version(SHA256.HashData(content)));
        }

        using var stream = File.OpenRead(path);
        return new Asset(new Microsoft.Extensions.FileProviders.Physical.PhysicalFileInfo(new FileInfo(path)), Version(SHA256.HashData(stream)));
    }

    private static string Version(byte[] sha256) => Convert.ToHexStringLower(sha256)[..12];

    [GeneratedRegex(@"@font-face\s*\{[^}]*\}")]
    private static partial Regex FontFaceRule();

    private sealed record Asset(IFileInfo File, string Version);

    /// <summary>A file provider that knows a fixed set of files by their request path.</summary>
    private sealed class AllowListFileProvider(Dictionary<string, Asset> files) : IFileProvider
    {
        public IFileInfo GetFileInfo(string subpath) =>
            files.TryGetValue(subpath, out var asset) ? asset.File : new NotFoundFileInfo(subpath);

        public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

        public IChangeToken Watch(string filter) => NullChangeToken.Singleton;
    }

    private sealed class MemoryFileInfo(string name, byte[] content, DateTime lastModifiedUtc) : IFileInfo
    {
        public bool Exists => true;
        public long Length => content.Length;
        public string? PhysicalPath => null;
        public string Name => name;
        public DateTimeOffset LastModified => new(lastModifiedUtc, TimeSpan.Zero);
        public bool IsDirectory => false;
        public Stream CreateReadStream() => new MemoryStream(content, writable: false);
    }
}
