using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PatientContact.Rules;

/// <summary>
/// Loads the rules folder at construction (throwing if it is broken) and reloads it when a <c>*.json</c> in it
/// changes; a broken edit is logged and the last good set stays in force.
/// </summary>
public sealed class FileRuleBookProvider : IRuleBookProvider, IDisposable
{
    /// <summary>How long the folder must be quiet before a reload: editors save in several writes.</summary>
    public static readonly TimeSpan DebounceDelay = TimeSpan.FromMilliseconds(250);

    private const int IoRetries = 3;

    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly ITimer _debounce;
    private readonly Lock _reloadLock = new();
    private volatile RuleBook _current;
    private int _ioFailures;
    private volatile bool _disposed;

    public FileRuleBookProvider(IOptions<RulesOptions> options, ILogger<FileRuleBookProvider> logger, TimeProvider timeProvider)
        : this(RulesDirectory.Resolve(options.Value), logger, timeProvider)
    {
    }

    /// <exception cref="RuleValidationException">The folder's rules are broken.</exception>
    public FileRuleBookProvider(string directory, ILogger<FileRuleBookProvider>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _current = RuleBookLoader.Load(Directory);
        RulesLog.Loaded(_logger, Directory, _current.Services.Count);

        _debounce = (timeProvider ?? TimeProvider.System).CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(Directory, "*.json")
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnChanged;
        _watcher.Created += OnChanged;
        _watcher.Deleted += OnChanged;
        _watcher.Renamed += OnChanged;
        _watcher.Error += OnError;
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Raised after edited files loaded and replaced <see cref="Current"/>.</summary>
    public event Action<IRuleBook>? Reloaded;

    /// <summary>Raised when edited files are broken; <see cref="Current"/> is unchanged.</summary>
    public event Action<RuleValidationException>? ReloadFailed;

    /// <summary>The full path of the rules folder watched.</summary>
    public string Directory { get; }

    public IRuleBook Current => _current;

    public void Dispose()
    {
        _disposed = true;
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
        _debounce.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => Schedule();

    private void OnError(object sender, ErrorEventArgs e)
    {
        // An overflowed buffer loses events, so read the whole folder again rather than trust what arrived.
        RulesLog.WatcherFailed(_logger, Directory, e.GetException());
        Schedule();
    }

    private void Schedule()
    {
        if (!_disposed)
        {
            _debounce.Change(DebounceDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private void Reload()
    {
        lock (_reloadLock)
        {
            if (_disposed)
            {
                return;
            }

            RuleBook book;
            try
            {
                book = RuleBookLoader.Load(Directory);
            }
            catch (RuleValidationException ex)
            {
                RulesLog.ReloadFailed(_logger, ex.Message, ex);
                if (ex.InnerException is IOException && ++_ioFailures <= IoRetries)
                {
                    // Another process may still hold the file; try again once it has let go.
                    Schedule();
                }
                else
                {
                    _ioFailures = 0;
                }

                Raise(ReloadFailed, ex, nameof(ReloadFailed));
                return;
            }

            _ioFailures = 0;
            _current = book;
            RulesLog.Reloaded(_logger, Directory, book.Services.Count);
            Raise(Reloaded, book, nameof(Reloaded));
        }
    }

    private void Raise<T>(Action<T>? handlers, T argument, string name)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<T>>())
        {
            try
            {
                handler(argument);
            }
            catch (Exception ex)
            {
                // A subscriber's bug must not take down the timer thread or stop other subscribers hearing.
                RulesLog.HandlerFailed(_logger, name, ex);
            }
        }
    }
}
