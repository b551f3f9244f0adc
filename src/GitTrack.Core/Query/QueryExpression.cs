namespace GitTrack.Core.Query;
