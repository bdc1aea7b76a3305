using System;
using System.Collections;
using System.Collections.Generic;

namespace Contrast.Auth
{
    /// <summary>Header names and values in the order they are to be sent; names compare
    /// ASCII case-insensitively, as HTTP's do.</summary>
    internal sealed class HeaderMap : IReadOnlyDictionary<string, string>
    {
        private readonly List<KeyValuePair<string, string>> ordered;
        private readonly Dictionary<string, string> byName;

        internal HeaderMap(int capacity)
        {
            ordered = new List<KeyValuePair<string, string>>(capacity);
            byName = new Dictionary<string, string>(capacity, StringComparer.OrdinalIgnoreCase);
        }

        internal void Add(string name, string value)
        {
            ordered.Add(new KeyValuePair<string, string>(name, value));
            byName[name] = value;
        }

        public string this[string key]
        {
            get { return byName[key]; }
        }

        public int Count
        {
            get { return ordered.Count; }
        }

        public IEnumerable<string> Keys
        {
            get
            {
                foreach (KeyValuePair<string, string> pair in ordered) yield return pair.Key;
            }
        }

        public IEnumerable<string> Values
        {
            get
            {
                foreach (KeyValuePair<string, string> pair in ordered) yield return pair.Value;
            }
        }

        public bool ContainsKey(string key)
        {
            return byName.ContainsKey(key);
        }

        public bool TryGetValue(string key, out string value)
        {
            return byName.TryGetValue(key, out value);
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            return ordered.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }
    }
}
